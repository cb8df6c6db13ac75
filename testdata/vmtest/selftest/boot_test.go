// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package selftest

import (
	"os"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestOnlyLoopback checks that the tests start with lo as the only link:
// qemu runs with no network, and the dummy module is loaded with
// numdummies=0 (by default it adds dummy0, which would look like a
// leftover to every test that checks what it left behind).
func TestOnlyLoopback(t *testing.T) {
	nstest.RequireRoot(t)
	links := nstest.IP(t, "-o", "link", "show")
	if n := strings.Count(links, "\n"); n != 1 || !strings.Contains(links, ": lo:") {
		t.Fatalf("links besides lo at the start:\n%s", links)
	}
}

// TestModulesLoaded checks, inside the VM, that /init loaded the drivers
// the build machines lack.
func TestModulesLoaded(t *testing.T) {
	if !nstest.InVM() {
		t.Skip("only inside the test VM: the build kernel lacks these drivers")
	}
	b, err := os.ReadFile("/proc/modules")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"8021q", "dummy", "ipvlan", "macvlan", "veth", "bridge"} {
		if !strings.Contains(string(b), m+" ") {
			t.Errorf("/proc/modules lacks %s:\n%s", m, b)
		}
	}
}
