// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package nstest

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// TestSandboxIsolated proves the sandbox has its own network (only lo and
// what tests add) and its own /run.
func TestSandboxIsolated(t *testing.T) {
	RequireRoot(t)
	if os.Getpid() != 1 {
		t.Fatalf("test binary is pid %d in the sandbox, want 1", os.Getpid())
	}
	links := IP(t, "-o", "link", "show")
	if n := strings.Count(links, "\n"); n != 1 || !strings.Contains(links, "lo:") {
		t.Fatalf("sandbox has other links than lo:\n%s", links)
	}
	entries, err := os.ReadDir("/run")
	if err != nil || len(entries) != 0 {
		t.Fatalf("sandbox /run is not empty: %v %v", entries, err)
	}
	HostNIC(t, "eth0")
	if out := IP(t, "-o", "link", "show", "eth0"); !strings.Contains(out, "eth0@eth0p") {
		t.Fatalf("HostNIC did not create the veth pair: %s", out)
	}
}

// TestInVMNeedsMarker proves that VSERVERX_TEST_VM=1 alone, on a machine
// without the VM's marker file, does not make a test binary believe it is
// inside the test VM (which would run privileged tests without a sandbox).
func TestInVMNeedsMarker(t *testing.T) {
	if _, err := os.Stat(vmMarker); err == nil {
		t.Skipf("%s exists: running inside the test VM", vmMarker)
	}
	t.Setenv(vmEnv, "1")
	if InVM() {
		t.Fatalf("InVM() with %s=1 but no %s: want false", vmEnv, vmMarker)
	}
	t.Setenv(sandboxEnv, "")
	if InSandbox() {
		t.Fatalf("InSandbox() with only %s=1 set: want false", vmEnv)
	}
}

// TestProbeDriverLeavesNothing: the driver probe creates and deletes its
// links through netlink, and an unknown driver is an error naming it.
func TestProbeDriverLeavesNothing(t *testing.T) {
	RequireRoot(t)
	before := IP(t, "-o", "link", "show")
	for _, d := range []string{"veth", "macvlan", "bridge"} {
		if err := probeDriver(d); err != nil {
			t.Errorf("probe %s: %v", d, err)
		}
	}
	if err := probeDriver("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) || errors.Is(err, errDriverMissing) {
		t.Errorf("probe of an unknown driver: %v, want an error naming it that is not a missing driver", err)
	}
	for _, d := range []string{"8021q", "dummy", "ipvlan"} { // present or not, depending on the kernel
		if err := probeDriver(d); err != nil && !errors.Is(err, errDriverMissing) {
			t.Errorf("probe %s failed otherwise than for a missing driver: %v", d, err)
		}
	}
	if after := IP(t, "-o", "link", "show"); after != before {
		t.Errorf("probes left links behind:\n%s", after)
	}
}

// TestProbeDriverNameInTheWay: a probe that fails for another reason than
// a missing driver (its parent's name is taken) is not taken for one, so
// RequireDriver fails instead of skipping; the link in the way stays.
func TestProbeDriverNameInTheWay(t *testing.T) {
	RequireRoot(t)
	HostNIC(t, probeParent)
	before := Snapshot(t) // settled: a fresh veth changes carrier state for a moment
	err := probeDriver("macvlan")
	if err == nil || errors.Is(err, errDriverMissing) || !strings.Contains(err.Error(), "probe's parent") {
		t.Errorf("probe with its parent's name taken: %v, want an error about the parent, not a missing driver", err)
	}
	AssertSame(t, before)
}
