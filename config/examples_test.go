// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"net"
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"
)

// examplesDir is where the example confdirs live.
var examplesDir = filepath.Join("..", "testdata", "confdirs")

func loadExample(t *testing.T, name string) *Tree {
	t.Helper()
	p := DefaultPaths(nil)
	p.ConfDir = filepath.Join(examplesDir, name)
	tree, err := Load(p)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return tree
}

func TestExamplesAreClean(t *testing.T) {
	for _, name := range []string{"classic", "classic-macvlan", "dmz", "veth", "firewall"} {
		t.Run(name, func(t *testing.T) {
			tree := loadExample(t, name)
			if ps := tree.CheckAll(); len(ps) != 0 {
				t.Errorf("CheckAll:\n%v", ps)
			}
			for _, g := range tree.Guests() {
				if ps := tree.Check(g.Name); len(ps) != 0 {
					t.Errorf("Check(%s):\n%v", g.Name, ps)
				}
			}
			for _, grp := range tree.Groups() {
				if ps := tree.CheckGroup(grp.NS.Name); len(ps) != 0 {
					t.Errorf("CheckGroup(%s):\n%v", grp.NS.Name, ps)
				}
			}
		})
	}
}

func mustMAC(t *testing.T, s string) net.HardwareAddr {
	t.Helper()
	m, err := net.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestClassic(t *testing.T) {
	tree := loadExample(t, "classic")
	fw := mustGuest(t, tree, "fw")
	want := &Guest{
		Name: "fw", Dir: filepath.Join(examplesDir, "classic", "fw"),
		Context: 42, HasContext: true,
		HasSpacesNet: true, SpacesNet: "fw",
		HasCleanupSkip: true, CleanupSkip: []string{"/run/netns/fw"},
		Marks: []string{"default"}, HasVdir: true,
	}
	if !reflect.DeepEqual(fw, want) {
		t.Errorf("guest fw:\n got %+v\nwant %+v", fw, want)
	}
	if !fw.SkipsCleanup("/run/netns/fw") || fw.SkipsCleanup("/run/netns") {
		t.Error("SkipsCleanup: want exactly /run/netns/fw")
	}
	grp := tree.GroupOf(fw)
	if grp == nil || !tree.Managed(fw) {
		t.Fatal("fw is not managed")
	}
	ns := grp.NS
	if ns.Name != "fw" || !ns.Defined || !ns.HasID || ns.ID != 42 || ns.IDFrom != fw.File("context") {
		t.Errorf("namespace: %+v", ns)
	}
	dir := filepath.Join(examplesDir, "classic", ".netns", "fw", "interfaces", "0")
	wantIf := []Interface{{
		Num: 0, Dir: dir, Type: TypeVLAN, Link: "eth0", VLAN: 2, Name: "fw-vlan2",
		MAC: mustMAC(t, "02:00:02:00:2a:00"), MACAuto: true, DAD: DADWait,
	}}
	if !reflect.DeepEqual(ns.Interfaces, wantIf) {
		t.Errorf("interfaces:\n got %+v\nwant %+v", ns.Interfaces, wantIf)
	}
	if got := grp.MemberNames(); !reflect.DeepEqual(got, []string{"fw"}) {
		t.Errorf("members %v", got)
	}
}

func TestClassicMacvlan(t *testing.T) {
	tree := loadExample(t, "classic-macvlan")
	ifc := tree.Group("fw").NS.Interfaces[0]
	if ifc.Type != TypeMacvlan || ifc.Mode != ModeBridge || ifc.Name != "fw-lan" || ifc.Link != "eth0" || ifc.VLAN != 0 {
		t.Errorf("interface: %+v", ifc)
	}
	if ifc.MAC.String() != "02:00:00:00:2a:00" {
		t.Errorf("MAC %s", ifc.MAC)
	}
	want := []netip.Prefix{netip.MustParsePrefix("192.0.2.2/24"), netip.MustParsePrefix("2001:db8:2::2/64")}
	if !reflect.DeepEqual(ifc.Addrs, want) {
		t.Errorf("addrs %v", ifc.Addrs)
	}
}

func TestDMZ(t *testing.T) {
	tree := loadExample(t, "dmz")
	grp := tree.Group("dmz")
	if grp == nil {
		t.Fatal("no group dmz")
	}
	if got := grp.MemberNames(); !reflect.DeepEqual(got, []string{"mail", "web"}) {
		t.Errorf("members %v", got)
	}
	for _, name := range []string{"web", "mail"} {
		if g := mustGuest(t, tree, name); !tree.Managed(g) || tree.GroupOf(g) != grp {
			t.Errorf("%s: not in group dmz", name)
		}
	}
	ns := grp.NS
	if ns.ID != 7 || ns.IDFrom != filepath.Join(ns.Dir, "id") {
		t.Errorf("id %d from %s", ns.ID, ns.IDFrom)
	}
	ifc := ns.Interfaces[0]
	if ifc.MAC.String() != "02:00:00:00:07:00" || ifc.Name != "eth0" || ifc.Mode != ModeBridge {
		t.Errorf("interface %+v", ifc)
	}
	if want := []netip.Addr{netip.MustParseAddr("192.0.2.1")}; !reflect.DeepEqual(ifc.Gateways, want) {
		t.Errorf("gateways %v", ifc.Gateways)
	}
	wantSys := []Sysctl{{Key: "net.ipv4.ip_forward", Value: "0", File: filepath.Join(ns.Dir, "sysctl", "net.ipv4.ip_forward")}}
	if !reflect.DeepEqual(ns.Sysctls, wantSys) {
		t.Errorf("sysctls %+v", ns.Sysctls)
	}
	if p := wantSys[0].Path(); p != "/proc/sys/net/ipv4/ip_forward" {
		t.Errorf("sysctl path %s", p)
	}
	web := mustGuest(t, tree, "web")
	wantAddrs := []ClassicAddr{{Prefix: netip.MustParsePrefix("192.0.2.20/24"), Dev: "eth0", File: filepath.Join(web.Dir, "interfaces", "0", "ip")}}
	if got := web.ClassicAddrs(); !reflect.DeepEqual(got, wantAddrs) {
		t.Errorf("web's interfaces/ addresses %+v", got)
	}
	if ps := CheckClassic(web, ns, grp.Members); len(ps) != 0 {
		t.Errorf("CheckClassic(web):\n%v", ps)
	}
	if tree.Group("web") != nil || tree.Group("nope") != nil {
		t.Error("Group of a non-namespace is not nil")
	}
}

func TestVeth(t *testing.T) {
	tree := loadExample(t, "veth")
	app := mustGuest(t, tree, "app")
	ifc := tree.GroupOf(app).NS.Interfaces[0]
	if ifc.Type != TypeVeth || ifc.Host != "vx-app-0" || ifc.Name != "eth0" || ifc.Mode != "" {
		t.Errorf("interface %+v", ifc)
	}
	if ifc.MAC.String() != "02:00:00:00:c8:00" || ifc.HostMAC.String() != "06:00:00:00:c8:00" {
		t.Errorf("MACs %s %s", ifc.MAC, ifc.HostMAC)
	}
}

func mustGuest(t *testing.T, tree *Tree, name string) *Guest {
	t.Helper()
	g, err := tree.Guest(name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
