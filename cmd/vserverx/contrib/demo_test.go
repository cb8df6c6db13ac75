// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runDemo runs `make demo` as an administrator does (as root; the demo
// makes its own throwaway network, mount and PID namespaces), with the
// binary built outside the checkout and the extra environment, and
// returns everything it printed; a failure fails the test. With tty, its
// output is a terminal (script(1) gives it one).
func runDemo(t *testing.T, tty bool, env ...string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the demo creates network namespaces (sudo make test)")
	}
	requireTool(t, "make")
	args := []string{"-C", repoRoot, "--no-print-directory", "demo", "BIN=" + filepath.Join(t.TempDir(), "vserverx")}
	cmd := exec.Command("make", args...)
	if tty {
		requireTool(t, "script")
		cmd = exec.Command("script", "-qec", "make "+strings.Join(args, " "), "/dev/null")
	}
	cmd.Env = append(withoutEnv(os.Environ(), "NO_COLOR", "VSERVERX_DEMO_SANDBOX"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	return string(out)
}

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			keep = keep && name != n
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// TestDemoInPipe: in a pipe `make demo` prints no colour escapes, says what
// it measured about the kernel's VLAN support, names the source of each
// address, shows mail joining dmz and ends with nothing left behind.
func TestDemoInPipe(t *testing.T) {
	out := runDemo(t, false)
	if strings.Contains(out, "\033[") {
		t.Errorf("the demo wrote colour escapes into a pipe:\n%q", out[:min(len(out), 300)])
	}
	for _, want := range []string{
		"802.1Q VLAN devices (a probe, ip link add link eth0 type vlan id 2,",
		"web/interfaces/0/ip (192.0.2.20/24 on eth0): util-vserver's own interfaces/",
		"eth0 192.0.2.20/24  <- web/interfaces/0/ip: util-vserver adds it, inside dmz, when guest web starts",
		"eth0 192.0.2.10/24  <- .netns/dmz/interfaces/0/ip: vserverx adds it before the guests start",
		"vserverx: joined existing network namespace dmz",
		"The same links as before the demo:",
		"Demo finished",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo did not print %q:\n%s", want, out)
		}
	}
}

// TestDemoColour: on a terminal the headings are bold, and NO_COLOR
// turns that off there too.
func TestDemoColour(t *testing.T) {
	if out := runDemo(t, true); !strings.Contains(out, "\033[1m== The host") {
		t.Errorf("on a terminal the demo's headings are not bold:\n%q", out[:min(len(out), 300)])
	}
	if out := runDemo(t, true, "NO_COLOR=1"); strings.Contains(out, "\033[") {
		t.Errorf("with NO_COLOR set the demo wrote colour escapes:\n%q", out[:min(len(out), 300)])
	}
}

// TestDemoOnHostWithNetns: `make demo` also works on a host that uses
// ip netns already (its /run/netns is a shared mount point), and leaves
// that host's namespaces alone. The "host" is a throwaway namespace here.
func TestDemoOnHostWithNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the demo creates network namespaces (sudo make test)")
	}
	requireTool(t, "unshare")
	host := "mount -t tmpfs tmpfs /run && ip netns add hostns && " +
		"make -C " + repoRoot + " --no-print-directory demo BIN=" + filepath.Join(t.TempDir(), "vserverx") +
		" && ip netns list"
	cmd := exec.Command("unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private", "sh", "-c", host)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Demo finished") || !strings.HasSuffix(string(out), "\nhostns\n") {
		t.Errorf("make demo on a host with namespace hostns: %v; want it to finish and hostns to stay\n%s", err, out)
	}
}
