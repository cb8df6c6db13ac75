// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"net"
	"sort"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// These tests use netlink only, no iproute2: the test VM (testdata/vmtest)
// runs them on a stock kernel that has 8021q, dummy and ipvlan but no `ip`
// with netns support.

// trunk creates a host device name for tests to hang links on, via
// netlink: a veth pair (name, name+"p") or a dummy.
func trunk(t testing.TB, name, kind string) netlink.Link {
	t.Helper()
	la := netlink.NewLinkAttrs()
	la.Name = name
	var l netlink.Link = &netlink.Veth{LinkAttrs: la, PeerName: name + "p", PeerTxQLen: -1}
	if kind == "dummy" {
		l = &netlink.Dummy{LinkAttrs: la}
	}
	if err := netlink.LinkAdd(l); err != nil {
		t.Fatalf("create %s trunk %s: %v", kind, name, err)
	}
	t.Cleanup(func() { _ = netlink.LinkDel(l) })
	if err := netlink.LinkSetUp(l); err != nil {
		t.Fatal(err)
	}
	got, err := netlink.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// hostLinkNames lists the host's links by name, sorted.
func hostLinkNames(t testing.TB) []string {
	t.Helper()
	links, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range links {
		names = append(names, l.Attrs().Name)
	}
	sort.Strings(names)
	return names
}

// checkKernelLink checks, through netlink inside ns, what the kernel holds
// for name: kind, parent index, VLAN id, MAC, alias, UP.
func checkKernelLink(t *testing.T, ns *NS, name, kind string, parent, vlan int, mac, alias string) {
	t.Helper()
	h, err := ns.NewHandle()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatalf("%s in %s: %v", name, ns.Name, err)
	}
	a := l.Attrs()
	if l.Type() != kind || a.ParentIndex != parent || a.HardwareAddr.String() != mac || a.Alias != alias || a.Flags&net.FlagUp == 0 {
		t.Errorf("%s: kind %s parent %d mac %s alias %q flags %v; want %s, %d, %s, %q, up",
			name, l.Type(), a.ParentIndex, a.HardwareAddr, a.Alias, a.Flags, kind, parent, mac, alias)
	}
	if v, ok := l.(*netlink.Vlan); vlan != 0 && (!ok || v.VlanId != vlan) {
		t.Errorf("%s: VLAN id %+v, want %d", name, l, vlan)
	}
}

// runKernelCase sets up def, checks its interface 0, tears down and checks
// that the host has exactly its links from before.
func runKernelCase(t *testing.T, def *config.Namespace, kind string, parent int) {
	t.Helper()
	freshDir(t)
	before := hostLinkNames(t)
	ns := setup(t, def)
	ifc := def.Interfaces[0]
	checkKernelLink(t, ns, ifc.Name, kind, parent, ifc.VLAN, ifc.MAC.String(), def.Alias(ifc.Num))
	ns.Close()
	if err := Teardown(dir, def.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, def.Name); !errors.Is(err, ErrNotExist) {
		t.Errorf("namespace %s after Teardown: %v", def.Name, err)
	}
	if now := hostLinkNames(t); !equalStrings(now, before) {
		t.Errorf("host links after Teardown %v, before %v", now, before)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func vlanDef(t testing.TB, name, parent string) *config.Namespace {
	return testDef(name, config.Interface{Num: 0, Type: config.TypeVLAN, Link: parent, VLAN: 2, Name: name + "-vlan2",
		MAC: mustMAC(t, "02:00:02:00:2a:00"), Addrs: prefixes(t, "192.0.2.10/24")})
}

// TestVLANOnVethTrunk: the classic firewall on VLAN 2 of the trunk NIC.
func TestVLANOnVethTrunk(t *testing.T) {
	nstest.RequireDriver(t, "8021q")
	tr := trunk(t, "trunk0", "veth")
	runKernelCase(t, vlanDef(t, "fw", "trunk0"), "vlan", tr.Attrs().Index)
}

// TestVLANOnDummyTrunk: a VLAN on a dummy trunk.
func TestVLANOnDummyTrunk(t *testing.T) {
	nstest.RequireDriver(t, "dummy")
	nstest.RequireDriver(t, "8021q")
	tr := trunk(t, "trunk0", "dummy")
	runKernelCase(t, vlanDef(t, "fwd", "trunk0"), "vlan", tr.Attrs().Index)
}

// TestMacvlanOnDummy: a macvlan whose parent is a dummy device.
func TestMacvlanOnDummy(t *testing.T) {
	nstest.RequireDriver(t, "dummy")
	tr := trunk(t, "trunk0", "dummy")
	def := testDef("md", config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "trunk0",
		MAC: mustMAC(t, "02:00:00:00:2c:00"), Addrs: prefixes(t, "198.51.100.3/24")})
	runKernelCase(t, def, "macvlan", tr.Attrs().Index)
}

// TestIpvlanTeardown: Teardown deletes a link of any kind that carries
// vserverx's alias (here an ipvlan) and leaves one without it; Links shows
// both with their kind.
func TestIpvlanTeardown(t *testing.T) {
	nstest.RequireDriver(t, "ipvlan")
	freshDir(t)
	tr := trunk(t, "trunk0", "veth")
	ns := mustCreate(t, "iv")
	for _, c := range []struct{ name, alias string }{{"ivown", "vserverx:iv:7"}, {"ivforeign", "somebody else's"}} {
		la := netlink.NewLinkAttrs()
		la.Name, la.ParentIndex = c.name, tr.Attrs().Index
		l := &netlink.IPVlan{LinkAttrs: la, Mode: netlink.IPVLAN_MODE_L2}
		if err := netlink.LinkAdd(l); err != nil {
			t.Fatal(err)
		}
		if err := netlink.LinkSetAlias(l, c.alias); err != nil {
			t.Fatal(err)
		}
		if err := netlink.LinkSetNsFd(l, ns.Fd()); err != nil {
			t.Fatal(err)
		}
	}
	links, err := Links(ns)
	if err != nil || !hasLink(links, "ivown", "ipvlan") || !hasLink(links, "ivforeign", "ipvlan") {
		t.Fatalf("Links = %+v %v", links, err)
	}
	if err := Teardown(dir, "iv"); err != nil {
		t.Fatal(err)
	}
	h, err := ns.NewHandle() // ns is still open: the namespace lives on
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.LinkByName("ivown"); !isNotFound(err) {
		t.Errorf("vserverx's ipvlan survived Teardown: %v", err)
	}
	if _, err := h.LinkByName("ivforeign"); err != nil {
		t.Errorf("foreign ipvlan deleted: %v", err)
	}
}

// BenchmarkSetupTeardown measures one namespace's Ensure+Converge and
// Teardown, with one macvlan and with four.
func BenchmarkSetupTeardown(b *testing.B) {
	nstest.RequireRoot(b)
	freshDir(b)
	trunk(b, "bench0", "veth")
	for _, n := range []int{1, 4} {
		def := testDef("bench")
		for i := range n {
			def.Interfaces = append(def.Interfaces, config.Interface{Num: i, Name: "eth" + itoa(i), Dir: def.Dir + "/interfaces/" + itoa(i),
				Type: config.TypeMacvlan, Link: "bench0", MAC: net.HardwareAddr{2, 0, 0, 0, 0x2a, byte(i)}, Addrs: prefixes(b, "10.9."+itoa(i)+".2/24")})
		}
		b.Run(itoa(n)+"-macvlan", func(b *testing.B) {
			for b.Loop() {
				ns, _, _, err := Ensure(dir, "bench")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Converge(ns, def); err != nil {
					b.Fatal(err)
				}
				ns.Close()
				if err := Teardown(dir, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// leaveUnmarkedVLAN makes what a start killed right after the kernel
// created a VLAN leaves: VLAN 2 on parent, inside namespace x, under a
// temporary name and without vserverx's alias.
func leaveUnmarkedVLAN(t *testing.T, x string, parent netlink.Link) *NS {
	t.Helper()
	ns, _, _, err := Ensure(dir, x)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = Teardown(dir, x) })
	la := netlink.NewLinkAttrs()
	la.Name, la.ParentIndex, la.Namespace = tempPrefix+"0123456789", parent.Attrs().Index, netlink.NsFd(ns.Fd())
	if err := netlink.LinkAdd(&netlink.Vlan{LinkAttrs: la, VlanId: 2, VlanProtocol: netlink.VLAN_PROTOCOL_8021Q}); err != nil {
		t.Fatalf("leaving an unmarked VLAN in %s: %v", x, err)
	}
	return ns
}

// tempLinksIn lists the links of ns whose name is a temporary one.
func tempLinksIn(t *testing.T, ns *NS) []string {
	t.Helper()
	h, err := ns.NewHandle()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	links, err := h.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range links {
		if strings.HasPrefix(l.Attrs().Name, tempPrefix) {
			names = append(names, l.Attrs().Name)
		}
	}
	return names
}

// TestUnmarkedVLANRepairedByStart: the VLAN an interrupted start left under
// its temporary name holds VLAN id 2 on the trunk, which the kernel gives
// to one link only; the next start recognises it by the name, deletes it
// and creates the interface.
func TestUnmarkedVLANRepairedByStart(t *testing.T) {
	nstest.RequireDriver(t, "8021q")
	nstest.RequireDriver(t, "dummy")
	tr := trunk(t, "trunk0", "dummy")
	freshDir(t)
	ns := leaveUnmarkedVLAN(t, "fwl", tr)
	def := vlanDef(t, "fwl", "trunk0")
	if _, _, err := EnsureInterface(ns, def, &def.Interfaces[0]); err != nil {
		t.Fatalf("the leftover VLAN blocks the start: %v", err)
	}
	ifc := def.Interfaces[0]
	checkKernelLink(t, ns, ifc.Name, "vlan", tr.Attrs().Index, 2, ifc.MAC.String(), def.Alias(ifc.Num))
	if left := tempLinksIn(t, ns); len(left) > 0 {
		t.Errorf("temporary links still in fwl after the start: %v", left)
	}
}

// TestUnmarkedVLANRemovedByTeardown: teardown deletes such a VLAN with the
// namespace, so that VLAN id 2 on the trunk is free for an immediate start.
func TestUnmarkedVLANRemovedByTeardown(t *testing.T) {
	nstest.RequireDriver(t, "8021q")
	nstest.RequireDriver(t, "dummy")
	tr := trunk(t, "trunk0", "dummy")
	freshDir(t)
	before := hostLinkNames(t)
	ns := leaveUnmarkedVLAN(t, "fwl", tr)
	ns.Close()
	if err := Teardown(dir, "fwl"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "fwl"); !errors.Is(err, ErrNotExist) {
		t.Errorf("namespace fwl after Teardown: %v", err)
	}
	if now := hostLinkNames(t); !equalStrings(now, before) {
		t.Errorf("host links after Teardown %v, before %v", now, before)
	}
	runKernelCase(t, vlanDef(t, "fwl", "trunk0"), "vlan", tr.Attrs().Index)
}
