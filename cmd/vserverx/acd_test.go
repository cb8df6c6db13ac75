// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"net"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestStartRefusesARPConflict: with acd yes, a neighbour on the link that
// holds the guest's IPv4 address answers the probe; start refuses naming
// address, interface, file and the neighbour's MAC, and the host is as
// before. Without the neighbour the same start succeeds with the address.
func TestStartRefusesARPConflict(t *testing.T) {
	h := newHost(t, "dmz")
	h.mustVX("web", "setup")
	h.write(".netns/dmz/interfaces/0/acd", "yes\n")
	nstest.IP(t, "addr", "add", "192.0.2.10/24", "dev", "eth0p")
	peer, err := net.InterfaceByName("eth0p")
	if err != nil {
		t.Fatal(err)
	}
	before := nstest.Snapshot(t)
	r := h.vx("web", "start")
	want := "192.0.2.10 on eth0 (" + h.confdir + "/.netns/dmz/interfaces/0/ip): another host on the link already uses it (it answered an ARP probe from " + peer.HardwareAddr.String() + ")"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("start with a neighbour holding the address: want exit 1 and %q: %s", want, r)
	}
	nstest.AssertSame(t, before)

	nstest.IP(t, "addr", "del", "192.0.2.10/24", "dev", "eth0p")
	r = h.mustVX("web", "start")
	if out := nstest.IP(t, "-n", "dmz", "-4", "addr", "show", "eth0"); !strings.Contains(out, "192.0.2.10/24") {
		t.Errorf("after start eth0 lacks 192.0.2.10/24:\n%s\n%s", out, r)
	}
	h.mustVX("web", "stop")
}
