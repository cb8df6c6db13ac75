// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestRepairModeAndBridge: a macvlan's mode and a veth's bridge are put
// right, and the undo puts them back; a veth whose host side has another
// name is reported.
func TestRepairModeAndBridge(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	nstest.IP(t, "link", "add", "br0", "address", "02:00:00:00:00:b0", "type", "bridge")
	defer nstest.IP(t, "link", "del", "br0")
	freshDir(t)
	def := testDef("mb",
		config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Mode: config.ModePrivate},
		config.Interface{Num: 1, Type: config.TypeVeth, Host: "mb-h1", Bridge: "br0"})
	ns := setup(t, def)
	mustContain(t, "private macvlan", nstest.IP(t, "-n", "mb", "-d", "link", "show", "eth0"), "macvlan mode private")
	nstest.IP(t, "-n", "mb", "link", "set", "eth0", "type", "macvlan", "mode", "vepa")
	nstest.IP(t, "link", "set", "mb-h1", "nomaster")
	u, err := Converge(ns, def)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "repaired mode", nstest.IP(t, "-n", "mb", "-d", "link", "show", "eth0"), "macvlan mode private")
	mustContain(t, "repaired bridge", nstest.IP(t, "link", "show", "mb-h1"), "master br0")
	if err := u(); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "undone mode", nstest.IP(t, "-n", "mb", "-d", "link", "show", "eth0"), "macvlan mode vepa")
	if out := nstest.IP(t, "link", "show", "mb-h1"); strings.Contains(out, "master") {
		t.Errorf("undo left mb-h1 on the bridge: %s", out)
	}
	nstest.IP(t, "link", "set", "mb-h1", "down")
	nstest.IP(t, "link", "set", "mb-h1", "name", "renamed")
	_, _, err = EnsureInterface(ns, def, &def.Interfaces[1])
	mustContain(t, "peer name error", errString(err), "mb", "eth1", "mb-h1", "/interfaces/1/host", "renamed")
}

// TestMismatchReported: a macvlan on another parent than configured, and
// a phys device that came from another host device than configured, are
// reported by name and file; neither the namespace nor the host changes.
func TestMismatchReported(t *testing.T) {
	for _, n := range []string{"eth0", "eth1", "eth2"} {
		nstest.HostNIC(t, n)
	}
	freshDir(t)
	def := testDef("mm",
		config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0"},
		config.Interface{Num: 1, Type: config.TypePhys, Link: "eth1"})
	ns := setup(t, def)
	// Fresh veths change carrier state for a moment after they come up:
	// take the host's state once it has settled.
	host := nstest.Snapshot(t)
	inside := nstest.IP(t, "-n", "mm", "-d", "-o", "link")
	for i, want := range [][]string{
		{"mm", "eth0", "not on parent eth2", "/interfaces/0/link", "teardown"},
		{"mm", "eth1", "is host device eth1, configured eth2", "/interfaces/1/link", "teardown"},
	} {
		ifc := def.Interfaces[i]
		ifc.Link = "eth2"
		_, _, err := EnsureInterface(ns, def, &ifc)
		mustContain(t, "mismatch error", errString(err), want...)
	}
	if now := nstest.IP(t, "-n", "mm", "-d", "-o", "link"); now != inside {
		t.Errorf("a reported mismatch changed the namespace:\n%s\nwas:\n%s", now, inside)
	}
	nstest.AssertSame(t, host)
}
