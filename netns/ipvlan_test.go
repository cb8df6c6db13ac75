// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// ipvlanDef has two ipvlans: eth0 on parent0 in mode l2 with flags
// bridge (the defaults) and eth1 on parent1 in mode l3s with flags
// private (the kernel keeps one mode per parent).
func ipvlanDef(t testing.TB, parent0, parent1 string) *config.Namespace {
	return testDef("ipv",
		config.Interface{Num: 0, Type: config.TypeIPVlan, Link: parent0, IPVlanMode: config.IPVlanL2, IPVlanFlag: config.IPVlanBridge,
			Addrs: prefixes(t, "192.0.2.10/24"), Gateways: addrs("192.0.2.1")},
		config.Interface{Num: 1, Type: config.TypeIPVlan, Link: parent1, IPVlanMode: config.IPVlanL3S, IPVlanFlag: config.IPVlanPrivate,
			Addrs: prefixes(t, "198.51.100.10/24"), MTU: 1400})
}

// TestIPVlanInterface: ipvlans are created in the namespace with their
// mode, flags, alias, link group and MTU, the parent's MAC (they have none
// of their own) and addresses; ObserveLinks reports mode, flags and
// parent; a second converge changes nothing; Teardown leaves the host's
// links as they were. Netlink only: it runs in the test VM (the build
// machines' kernel has no ipvlan driver).
func TestIPVlanInterface(t *testing.T) {
	nstest.RequireDriver(t, "ipvlan")
	freshDir(t)
	trunks := []netlink.Link{trunk(t, "trunk0", "veth"), trunk(t, "trunk1", "veth")}
	before := hostLinkNames(t)
	def := ipvlanDef(t, "trunk0", "trunk1")
	ns := setup(t, def)
	h, err := ns.NewHandle()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for i, want := range []struct {
		name string
		mode netlink.IPVlanMode
		flag netlink.IPVlanFlag
		mtu  int
	}{{"eth0", netlink.IPVLAN_MODE_L2, netlink.IPVLAN_FLAG_BRIDGE, trunks[0].Attrs().MTU}, {"eth1", netlink.IPVLAN_MODE_L3S, netlink.IPVLAN_FLAG_PRIVATE, 1400}} {
		tr := trunks[i]
		checkKernelLink(t, ns, want.name, "ipvlan", tr.Attrs().Index, 0, tr.Attrs().HardwareAddr.String(), def.Alias(i))
		l, err := h.LinkByName(want.name)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := l.(*netlink.IPVlan)
		if !ok || v.Mode != want.mode || v.Flag != want.flag || l.Attrs().Group != LinkGroup || l.Attrs().MTU != want.mtu {
			t.Errorf("%s: %+v, want mode %v flags %v group %d MTU %d", want.name, l, want.mode, want.flag, LinkGroup, want.mtu)
		}
	}
	o := observeOne(t, ns, 1)
	if o.Type != config.TypeIPVlan || o.Parent != "trunk1" || o.IPVlanMode != config.IPVlanL3S || o.IPVlanFlag != config.IPVlanPrivate {
		t.Errorf("observed %+v", o)
	}
	if len(o.Addr) == 0 || o.Addr[0].Prefix.String() != "198.51.100.10/24" {
		t.Errorf("addresses of eth1: %+v", o.Addr)
	}
	for i := range def.Interfaces {
		if c, _, err := EnsureInterface(ns, def, &def.Interfaces[i]); err != nil || c != Unchanged {
			t.Errorf("second converge of interface %d: %v, %v", i, c, err)
		}
	}
	ns.Close()
	if err := Teardown(dir, def.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, def.Name); !errors.Is(err, ErrNotExist) {
		t.Errorf("namespace after Teardown: %v", err)
	}
	if now := hostLinkNames(t); !equalStrings(now, before) {
		t.Errorf("host links after Teardown %v, before %v", now, before)
	}
}
