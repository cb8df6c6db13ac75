// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// fourMacvlans is a definition with four macvlans on eth0.
func fourMacvlans(t *testing.T, name string) *config.Namespace {
	var ifcs []config.Interface
	for i := range 4 {
		ifcs = append(ifcs, config.Interface{Num: i, Name: "eth" + itoa(i), Type: config.TypeMacvlan, Link: "eth0",
			Mode: config.ModeBridge, MAC: mustMAC(t, "02:00:00:00:2c:0"+itoa(i))})
	}
	return testDef(name, ifcs...)
}

// ownInside returns vserverx's links in ns.
func ownInside(t *testing.T, ns *NS) (*netlink.Handle, []netlink.Link) {
	t.Helper()
	h, err := ns.NewHandle()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	own, err := ownLinks(h, ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	var links []netlink.Link
	for _, l := range own {
		links = append(links, l.link)
	}
	return h, links
}

// TestDeleteLinksConcurrently: four links are deleted (concurrently, each
// on its own socket); deleting them again is not an error; Teardown of
// such a namespace leaves the host as it was.
func TestDeleteLinksConcurrently(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	before := nstest.Snapshot(t)
	ns := setup(t, fourMacvlans(t, "del4"))
	h, links := ownInside(t, ns)
	if len(links) != 4 {
		t.Fatalf("want 4 links of vserverx in del4, have %d", len(links))
	}
	if err := deleteLinks(h, ns.NewHandle, links); err != nil {
		t.Fatal(err)
	}
	if out := nstest.IP(t, "-n", "del4", "-o", "link", "show"); strings.Count(out, "\n") != 1 {
		t.Fatalf("links left in del4 after deleteLinks:\n%s", out)
	}
	if err := deleteLinks(h, ns.NewHandle, links); err != nil {
		t.Fatalf("deleting links that are gone: %v", err)
	}
	if _, err := Converge(ns, fourMacvlans(t, "del4")); err != nil {
		t.Fatal(err)
	}
	ns.Close()
	if err := Teardown(dir, "del4"); err != nil {
		t.Fatal(err)
	}
	nstest.AssertSame(t, before)
}

// TestDeleteLinksErrors: a link the kernel refuses to delete (lo) and a
// closed namespace are errors naming the link; nothing is deleted.
func TestDeleteLinksErrors(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	ns := setup(t, fourMacvlans(t, "delerr"))
	h, links := ownInside(t, ns)
	lo, err := h.LinkByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	err = deleteLinks(h, ns.NewHandle, []netlink.Link{lo})
	if err == nil || !strings.Contains(err.Error(), "delete link lo:") {
		t.Fatalf("deleting lo: want an error naming lo, got %v", err)
	}
	closed := &NS{Name: "delerr", fd: -1}
	err = deleteLinks(h, closed.NewHandle, links[:2])
	if err == nil || !strings.Contains(err.Error(), "delete link eth0: ") || !strings.Contains(err.Error(), "delete link eth1: ") ||
		!strings.Contains(err.Error(), "not open") {
		t.Fatalf("deleting through a closed namespace: want errors naming eth0 and eth1, got %v", err)
	}
	out := nstest.IP(t, "-n", "delerr", "-o", "link", "show")
	mustContain(t, "links in delerr after the failed deletions", out, "lo:", "eth0@", "eth1@", "eth2@", "eth3@")
}
