// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
)

// TestLinkRequestVLAN checks the netlink request of a VLAN: kind, parent
// index, VLAN id, MAC, alias, MTU, temporary name.
func TestLinkRequestVLAN(t *testing.T) {
	mac := mustMAC(t, "02:00:02:00:2a:00")
	def := testDef("fw", config.Interface{Num: 0, Type: config.TypeVLAN, Link: "eth0", VLAN: 2, MAC: mac, MTU: 1496})
	l, err := linkRequest(def, &def.Interfaces[0], "vsxt0123456789", 7)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := l.(*netlink.Vlan)
	if !ok || l.Type() != "vlan" {
		t.Fatalf("request is %T kind %q, want *netlink.Vlan kind vlan", l, l.Type())
	}
	a := v.Attrs()
	if a.ParentIndex != 7 || v.VlanId != 2 || v.VlanProtocol != netlink.VLAN_PROTOCOL_8021Q || a.HardwareAddr.String() != mac.String() ||
		a.Alias != "vserverx:fw:0" || a.MTU != 1496 || a.Name != "vsxt0123456789" || a.TxQLen != -1 {
		t.Errorf("vlan request %+v (id %d): want parent 7, id 2, 802.1Q, mac %s, alias vserverx:fw:0, mtu 1496, tmp name, txqlen unset", *a, v.VlanId, mac)
	}
}

// TestLinkRequestMacvlanModeExplicit: the mode is always set, bridge by
// default (the kernel's default would be vepa).
func TestLinkRequestMacvlanModeExplicit(t *testing.T) {
	for mode, want := range map[config.MacvlanMode]netlink.MacvlanMode{
		"": netlink.MACVLAN_MODE_BRIDGE, config.ModeBridge: netlink.MACVLAN_MODE_BRIDGE,
		config.ModePrivate: netlink.MACVLAN_MODE_PRIVATE, config.ModeVEPA: netlink.MACVLAN_MODE_VEPA,
		config.ModePassthru: netlink.MACVLAN_MODE_PASSTHRU,
	} {
		def := testDef("m", config.Interface{Num: 1, Type: config.TypeMacvlan, Link: "eth0", Mode: mode})
		l, err := linkRequest(def, &def.Interfaces[0], "t", 3)
		if err != nil {
			t.Fatal(err)
		}
		m := l.(*netlink.Macvlan)
		if m.Mode != want || m.Mode == netlink.MACVLAN_MODE_DEFAULT || m.ParentIndex != 3 || m.Alias != "vserverx:m:1" || m.HardwareAddr != nil {
			t.Errorf("mode %q: request mode %v parent %d alias %q mac %v", mode, m.Mode, m.ParentIndex, m.Alias, m.HardwareAddr)
		}
	}
	def := testDef("m", config.Interface{Num: 1, Type: config.TypeMacvlan, Link: "eth0", Mode: "source"})
	if _, err := linkRequest(def, &def.Interfaces[0], "t", 3); err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("unknown mode accepted: %v", err)
	}
}

func TestLinkRequestVeth(t *testing.T) {
	def := testDef("v", config.Interface{Num: 0, Type: config.TypeVeth, Host: "v-host",
		MAC: mustMAC(t, "02:00:00:00:01:00"), HostMAC: mustMAC(t, "06:00:00:00:01:00")})
	l, err := linkRequest(def, &def.Interfaces[0], "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	v := l.(*netlink.Veth)
	if v.PeerName != "v-host" || v.PeerHardwareAddr.String() != "06:00:00:00:01:00" || v.HardwareAddr.String() != "02:00:00:00:01:00" ||
		v.Alias != "vserverx:v:0" || v.PeerTxQLen != -1 || v.ParentIndex != 0 {
		t.Errorf("veth request %+v", v)
	}
	def.Interfaces[0].Type = config.TypePhys
	if _, err := linkRequest(def, &def.Interfaces[0], "t", 0); err == nil {
		t.Error("phys has no creation request, want an error")
	}
}
