// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package nstest runs privileged tests inside a throwaway sandbox and gives
// them stand-ins for the host's network.
//
// A test package that touches the kernel calls Main from its TestMain. When
// the test binary runs as root, Main re-executes it under
//
//	unshare --net --mount --pid --fork --mount-proc
//
// so that every test runs in a fresh network namespace (only lo), a private
// copy of the mount table, and a PID namespace in which the test binary is
// PID 1. Inside, Main mounts a fresh tmpfs on /run (so /run/netns and
// /run/vserverx are the sandbox's own) and a fresh sysfs on /sys, and brings
// lo up. Nothing the tests do can reach this machine's interfaces, routes,
// mounts or /run/netns. Unprivileged runs are not re-executed: privileged
// tests then skip through RequireRoot.
//
// Inside the real-kernel test VM (package testdata/vmtest) the whole VM is the
// sandbox: its /init sets VSERVERX_TEST_VM=1 and leaves the marker file
// /.vserverx-test-vm in the initramfs root, and then Main runs the tests
// directly, without re-executing (see InVM).
package nstest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// sandboxEnv marks a test binary that already runs inside the sandbox.
const sandboxEnv = "VSERVERX_TEST_SANDBOX"

// vmEnv and vmMarker mark a test binary that runs inside the test VM. Both
// are required, so that a stray VSERVERX_TEST_VM=1 on a real machine never
// lets privileged tests loose on its network.
const (
	vmEnv    = "VSERVERX_TEST_VM"
	vmMarker = "/.vserverx-test-vm"
)

// InVM reports whether this process runs inside the real-kernel test VM of
// testdata/vmtest: VSERVERX_TEST_VM=1 is set and the VM's marker file
// /.vserverx-test-vm exists. The VM is then the sandbox.
func InVM() bool {
	if os.Getenv(vmEnv) != "1" {
		return false
	}
	_, err := os.Stat(vmMarker)
	return err == nil
}

// InSandbox reports whether this process runs inside nstest's sandbox, or
// inside the test VM (see InVM).
func InSandbox() bool { return os.Getenv(sandboxEnv) == "1" || InVM() }

// Main runs the tests of a package, inside the sandbox when running as root.
// Inside the test VM it runs them directly: the VM is the sandbox.
// Use it as: func TestMain(m *testing.M) { nstest.Main(m) }.
func Main(m *testing.M) {
	if os.Geteuid() != 0 || InVM() || InSandbox() && os.Getpid() != 1 {
		os.Exit(m.Run())
	}
	if !InSandbox() {
		os.Exit(reexecInSandbox())
	}
	if err := sandbox.Prepare(); err != nil {
		fmt.Fprintln(os.Stderr, "nstest: preparing the sandbox:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// reexecInSandbox runs this test binary again, with the same arguments,
// under unshare, and returns its exit code.
func reexecInSandbox() int {
	args := append([]string{"--net", "--mount", "--pid", "--fork", "--mount-proc",
		"--propagation", "private", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), sandboxEnv+"=1")
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "nstest: cannot start the test sandbox (unshare from util-linux):", err)
		return 1
	}
	return 0
}

// RequireRoot skips the test unless it runs as root inside the sandbox.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: run as root (sudo make test) to include the privileged tests")
	}
	if !InSandbox() {
		t.Skip("needs the nstest sandbox: call nstest.Main from TestMain")
	}
}

// RequireDriver skips the test when the running kernel cannot create links
// of the given kind (for example "8021q" for VLANs, "dummy", "ipvlan"). The
// probe creates and deletes one link of that kind in the sandbox. Only the
// kernel's "not supported" skips; any other failure of the probe (an
// unknown driver name, a name in the way) fails the test.
func RequireDriver(t testing.TB, module string) {
	t.Helper()
	RequireRoot(t)
	err := probeDriver(module)
	switch {
	case errors.Is(err, errDriverMissing):
		t.Skipf("kernel lacks the %s driver: %v", module, err)
	case err != nil:
		t.Fatalf("probing the kernel's %s driver: %v", module, err)
	}
}
