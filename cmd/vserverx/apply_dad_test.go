// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestApplyWaitsDAD: an IPv6 address added to a running group's dad-wait
// interface is a plan step of its own ("wait until ... duplicate address
// detection"), and after apply the address is no longer tentative; an
// apply that adds only an IPv4 address does not wait.
func TestApplyWaitsDAD(t *testing.T) {
	h := runningGroup(t)
	h.startGroup()
	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n2001:db8::10/64\n192.0.2.12/24\n")
	r := h.mustVX("web", "apply", "--dry-run")
	if strings.Contains(r.stdout, "duplicate address detection") || !strings.Contains(r.stdout, "1 change(s)") {
		t.Errorf("an apply adding only an IPv4 address should not wait for DAD: %s", r)
	}
	h.mustVX("web", "apply")

	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n2001:db8::10/64\n192.0.2.12/24\n2001:db8::11/64\n")
	r = h.mustVX("web", "apply", "--dry-run")
	for _, want := range []string{
		" 1. interface 0 (eth0): add address 2001:db8::11/64",
		" 2. wait until the IPv6 addresses on eth0 have finished duplicate address detection (dad wait)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply --dry-run lacks %q: %s", want, r)
		}
	}
	r = h.mustVX("web", "apply")
	if !strings.Contains(r.stdout, "namespace dmz now matches its definition") {
		t.Errorf("apply does not say it is done: %s", r)
	}
	out := nstest.IP(t, "-n", "dmz", "-6", "addr", "show", "eth0")
	if strings.Contains(out, "tentative") || !strings.Contains(out, "2001:db8::11/64") {
		t.Errorf("after apply eth0 should hold 2001:db8::11/64, not tentative:\n%s", out)
	}
}

// TestApplyDADConflict: a neighbour that holds the IPv6 address apply adds
// makes apply fail naming the address, the interface and the file, and
// undo the address: the namespace is as before.
func TestApplyDADConflict(t *testing.T) {
	h := runningGroup(t)
	pids := h.startGroup()
	nstest.IP(t, "addr", "add", "2001:db8::11/64", "dev", "eth0p", "nodad")
	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n2001:db8::10/64\n2001:db8::11/64\n")
	before := nstest.IP(t, "-n", "dmz", "-o", "addr")

	r := h.vx("web", "apply")
	if r.code != 1 {
		t.Fatalf("apply of an address a neighbour holds: want exit 1: %s", r)
	}
	for _, want := range []string{
		"change 2 (wait until the IPv6 addresses on eth0 have finished duplicate address detection (dad wait)) failed",
		"restored: interface 0 (eth0): add address 2001:db8::11/64",
		"interface eth0 (" + h.confdir + "/.netns/dmz/interfaces/0): 2001:db8::11 (" + h.confdir + "/.netns/dmz/interfaces/0/ip): another host on the link already uses it",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("apply's failure report lacks %q: %s", want, r)
		}
	}
	if after := nstest.IP(t, "-n", "dmz", "-o", "addr"); after != before {
		t.Errorf("dmz after the failed apply differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	h.assertGuestsUntouched(pids)
}
