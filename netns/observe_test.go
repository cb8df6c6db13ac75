// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// observedDef has a macvlan (with addresses and default routes), a veth in
// a bridge and a phys device.
func observedDef(t *testing.T) *config.Namespace {
	return testDef("ob",
		config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Mode: config.ModeBridge,
			MAC: mustMAC(t, "02:00:00:00:2a:00"), MTU: 1400,
			Addrs: prefixes(t, "10.1.0.5/24", "fd00::5/64"), Gateways: addrs("10.1.0.1")},
		config.Interface{Num: 1, Type: config.TypeVeth, Host: "ob-h1", Bridge: "br0",
			MAC: mustMAC(t, "02:00:00:00:2a:01"), HostMAC: mustMAC(t, "06:00:00:00:2a:01"), Addrs: prefixes(t, "10.2.0.2/24")},
		config.Interface{Num: 2, Type: config.TypePhys, Link: "eth1", MACAuto: true})
}

// observedHost makes eth0, eth1 and br0 on the (sandbox's) host.
func observedHost(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	nstest.HostNIC(t, "eth1")
	nstest.IP(t, "link", "add", "br0", "address", "02:00:00:00:00:b0", "type", "bridge")
	t.Cleanup(func() { nstest.IP(t, "link", "del", "br0") })
}

// observeOne returns the observed link num of ns.
func observeOne(t *testing.T, ns *NS, num int) ObservedLink {
	t.Helper()
	links, err := ObserveLinks(ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.Num == num {
			return l
		}
	}
	t.Fatalf("link %d not observed in %+v", num, links)
	return ObservedLink{}
}

// TestObserveLinks: vserverx's links are seen with their kind, MAC, MTU,
// UP state, addresses (configured or the kernel's), default routes and a
// veth's host side; a link without vserverx's alias is not.
func TestObserveLinks(t *testing.T) {
	observedHost(t)
	warmDir(t)
	ns := setup(t, observedDef(t))
	nstest.IP(t, "-n", "ob", "link", "add", "foreign", "type", "veth", "peer", "name", "foreignp")

	links, err := ObserveLinks(ns)
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, l := range links {
		nums = append(nums, l.Num)
	}
	if !slices.Equal(nums, []int{0, 1, 2}) {
		t.Fatalf("observed links %v, want 0 1 2", nums)
	}
	mv, veth, phys := links[0], links[1], links[2]
	if mv.Name != "eth0" || mv.Type != config.TypeMacvlan || mv.Parent != "eth0" || mv.Mode != config.ModeBridge ||
		mv.MAC.String() != "02:00:00:00:2a:00" || mv.MTU != 1400 || !mv.Up {
		t.Errorf("macvlan observed as %+v", mv)
	}
	configured := map[string]bool{}
	for _, a := range mv.Addr {
		configured[a.Prefix.String()] = a.Configured
		if a.Prefix.Addr().IsLinkLocalUnicast() && a.Configured {
			t.Errorf("the kernel's link-local %s counted as configured", a.Prefix)
		}
	}
	if !configured["10.1.0.5/24"] || !configured["fd00::5/64"] {
		t.Errorf("configured addresses of eth0: %v", configured)
	}
	if len(mv.Defaults) != 1 || mv.Defaults[0].Gateway != netip.MustParseAddr("10.1.0.1") || !mv.Defaults[0].Configured {
		t.Errorf("default routes of eth0: %+v", mv.Defaults)
	}
	if veth.Type != config.TypeVeth || veth.Host != "ob-h1" || veth.HostMAC.String() != "06:00:00:00:2a:01" || !veth.HostUp || veth.Bridge != "br0" {
		t.Errorf("veth observed as %+v", veth)
	}
	if phys.Type != config.TypePhys || phys.PhysOrig != "eth1" || phys.Name != "eth2" {
		t.Errorf("phys observed as %+v", phys)
	}
}

// lineIndex and peerIndex match what a link deleted and created again
// cannot keep: its index, and the index of its peer.
var (
	lineIndex = regexp.MustCompile(`^(\w+: )?\d+: `)
	peerIndex = regexp.MustCompile(`@if\d+`)
)

// normalized is lines with link indexes replaced.
func normalized(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = peerIndex.ReplaceAllString(lineIndex.ReplaceAllString(l, "${1}N: "), "@ifN")
	}
	return out
}

// TestRemoveInterfaceUndo: each kind of link is removed as teardown
// removes it (a phys device back on the host under its name), and its
// Undo creates it again as it was, but for its index.
func TestRemoveInterfaceUndo(t *testing.T) {
	removeAndUndo(t, false)
}

// TestRemoveInterfaceUndoKeepsDown: links found DOWN (and a veth's host side
// found DOWN) are DOWN again after the Undo of their removal.
func TestRemoveInterfaceUndoKeepsDown(t *testing.T) {
	removeAndUndo(t, true)
}

// removeAndUndo removes each link of the observed namespace and undoes
// that, checking that the namespace and the host are as before; with down,
// every link (and the veth's host side) is set DOWN first.
func removeAndUndo(t *testing.T, down bool) {
	observedHost(t)
	warmDir(t)
	def := observedDef(t)
	ns := setup(t, def)
	if down {
		for _, l := range []string{"eth0", "eth1", "eth2"} {
			nstest.IP(t, "-n", "ob", "link", "set", l, "down")
		}
		nstest.IP(t, "link", "set", "ob-h1", "down")
		for _, l := range []string{"eth0", "eth1", "eth2"} {
			if out := nstest.IP(t, "-n", "ob", "-o", "link", "show", l); strings.Contains(out, ",UP") {
				t.Fatalf("%s still UP in ob:\n%s", l, out)
			}
		}
	}
	for _, num := range []int{0, 1, 2} {
		host, inside := nstest.Snapshot(t), nstest.SnapshotNamespace(t, "ob")
		o := observeOne(t, ns, num)
		undo, err := RemoveInterface(ns, def, o)
		if err != nil {
			t.Fatalf("remove link %d: %v", num, err)
		}
		if out := nstest.IP(t, "-n", "ob", "-o", "link"); strings.Contains(out, "vserverx:ob:"+itoa(num)) {
			t.Errorf("link %d still in ob:\n%s", num, out)
		}
		if num == 2 {
			mustContain(t, "host links", nstest.IP(t, "-o", "link", "show", "eth1"), "eth1")
		}
		if err := undo(); err != nil {
			t.Fatalf("undo the removal of link %d: %v", num, err)
		}
		gone, added := nstest.DiffNamespace(
			nstest.NamespaceState{Lines: normalized(inside.Lines)},
			nstest.NamespaceState{Lines: normalized(nstest.SnapshotNamespace(t, "ob").Lines)})
		if len(gone)+len(added) > 0 {
			t.Errorf("link %d created again differs in ob:\n  gone:  %s\n  added: %s", num, strings.Join(gone, "\n         "), strings.Join(added, "\n         "))
		}
		now := nstest.Snapshot(t)
		if g, a := sandboxDiff(normalized(host.Links), normalized(now.Links)); len(g)+len(a) > 0 {
			t.Errorf("host links after link %d was created again:\n  gone:  %s\n  added: %s", num, g, a)
		}
	}
}

// sandboxDiff is the multiset difference of two line lists.
func sandboxDiff(was, now []string) (gone, added []string) {
	return nstest.DiffNamespace(nstest.NamespaceState{Lines: was}, nstest.NamespaceState{Lines: now})
}

// TestRemoveAddrAndRouteUndo: an address (with its label) and a default
// route someone added are removed, and their Undos put them back exactly.
func TestRemoveAddrAndRouteUndo(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	def := macvlanDef(t, "ar")
	ns := setup(t, def)
	nstest.IP(t, "-n", "ar", "addr", "add", "10.9.0.7/16", "label", "eth0:x", "dev", "eth0")
	nstest.IP(t, "-n", "ar", "addr", "add", "fd09::7/64", "dev", "eth0")
	before := nstest.SnapshotNamespace(t, "ar")
	o := observeOne(t, ns, 0)
	var undos []Undo
	for _, a := range o.Addr {
		if s := a.Prefix.String(); s == "10.9.0.7/16" || s == "fd09::7/64" {
			u, err := RemoveAddr(ns, o, a)
			if err != nil {
				t.Fatal(err)
			}
			undos = append(undos, u)
		}
	}
	for _, r := range o.Defaults {
		u, err := RemoveDefaultRoute(ns, o, r)
		if err != nil {
			t.Fatal(err)
		}
		undos = append(undos, u)
	}
	out := nstest.IP(t, "-n", "ar", "-o", "addr") + nstest.IP(t, "-n", "ar", "route") + nstest.IP(t, "-n", "ar", "-6", "route")
	for _, gone := range []string{"10.9.0.7", "fd09::7", "default"} {
		if strings.Contains(out, gone) {
			t.Errorf("%s still in ar:\n%s", gone, out)
		}
	}
	if err := Chain(undos...)(); err != nil {
		t.Fatal(err)
	}
	if gone, added := nstest.DiffNamespace(before, nstest.SnapshotNamespace(t, "ar")); len(gone)+len(added) > 0 {
		t.Errorf("after the undos ar differs:\n  gone:  %s\n  added: %s", strings.Join(gone, "\n         "), strings.Join(added, "\n         "))
	}
}

// TestRemoveAddrErrors: an address on a link that is no longer vserverx's,
// or one that is gone already, is an error naming the namespace, the link
// and the address; nothing changes.
func TestRemoveAddrErrors(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	ns := setup(t, macvlanDef(t, "ae"))
	o := observeOne(t, ns, 0)
	var v4 ObservedAddr
	for _, a := range o.Addr {
		if a.Prefix.String() == "10.1.0.5/24" {
			v4 = a
		}
	}

	nstest.IP(t, "-n", "ae", "addr", "del", "10.1.0.5/24", "dev", "eth0")
	before := nstest.SnapshotNamespace(t, "ae")
	_, err := RemoveAddr(ns, o, v4)
	mustContain(t, "error", errString(err), "network namespace ae, link eth0: remove address 10.1.0.5/24: ")
	if gone, added := nstest.DiffNamespace(before, nstest.SnapshotNamespace(t, "ae")); len(gone)+len(added) > 0 {
		t.Errorf("a failed RemoveAddr changed ae: gone %q added %q", gone, added)
	}

	nstest.IP(t, "-n", "ae", "addr", "add", "10.1.0.5/24", "dev", "eth0")
	nstest.IP(t, "-n", "ae", "link", "set", "eth0", "alias", "someone else's")
	before = nstest.SnapshotNamespace(t, "ae")
	_, err = RemoveAddr(ns, o, v4)
	mustContain(t, "error", errString(err), "network namespace ae, link eth0: it is no longer vserverx's link 0")
	_, err = RemoveDefaultRoute(ns, o, o.Defaults[0])
	mustContain(t, "error", errString(err), "network namespace ae, link eth0: it is no longer vserverx's link 0")
	if gone, added := nstest.DiffNamespace(before, nstest.SnapshotNamespace(t, "ae")); len(gone)+len(added) > 0 {
		t.Errorf("a refused RemoveAddr changed ae: gone %q added %q", gone, added)
	}
	nstest.IP(t, "-n", "ae", "link", "set", "eth0", "alias", "vserverx:ae:0")
}
