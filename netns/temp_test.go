// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// leaveUnmarkedVeth makes what a start killed right after creating a veth
// leaves: one end inside "left" named inside, the other on the host named
// host, neither with an alias yet.
func leaveUnmarkedVeth(t *testing.T, inside, host string) *NS {
	t.Helper()
	ns, _, _, err := Ensure(dir, "left")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = Teardown(dir, "left") })
	nstest.IP(t, "link", "add", host, "type", "veth", "peer", "name", inside, "netns", "left")
	return ns
}

// mustHaveNoTemp fails when a link with a temporary name is on the host or
// in "left", or a link named name is on the host.
func mustHaveNoTemp(t *testing.T, what string, names ...string) {
	t.Helper()
	host, inside := nstest.IP(t, "-o", "link", "show"), ""
	if nsExists("left") {
		inside = nstest.IP(t, "-n", "left", "-o", "link", "show")
	}
	for _, n := range append(names, tempPrefix) {
		if strings.Contains(host, n) || strings.Contains(inside, n) {
			t.Errorf("%s: %s is still there:\nhost:\n%s\nleft:\n%s", what, n, host, inside)
		}
	}
}

func nsExists(x string) bool {
	ns, err := Open(dir, x)
	if err != nil {
		return false
	}
	ns.Close()
	return true
}

// TestUnmarkedVethRepairedByStart: a veth pair a start left before it could
// set the alias (temporary names on both ends, as vserverx creates them now;
// or, as earlier versions did, the host side already under its final name)
// does not block the next start: it is deleted and the interface created.
func TestUnmarkedVethRepairedByStart(t *testing.T) {
	nstest.RequireRoot(t)
	for _, hostName := range []string{"vsxt0123456789", "vx-left-0"} {
		t.Run(hostName, func(t *testing.T) {
			freshDir(t)
			ns := leaveUnmarkedVeth(t, "vsxtabcdefabcd", hostName)
			def := vethLeftoverDef(t)
			if _, _, err := EnsureInterface(ns, def, &def.Interfaces[0]); err != nil {
				t.Fatalf("the leftover blocks the start: %v", err)
			}
			mustHaveNoTemp(t, "after the start")
			mustContain(t, "new host side", nstest.IP(t, "-o", "link", "show", "vx-left-0"), "alias vserverx:left:0")
		})
	}
}

// TestUnmarkedVethRemovedByTeardown: teardown deletes such a pair itself,
// at once, rather than leaving it to the kernel's clean-up of the deleted
// namespace (which leaves the host side visible for a while).
func TestUnmarkedVethRemovedByTeardown(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	leaveUnmarkedVeth(t, "vsxtabcdefabcd", "vsxt0123456789")
	if err := Teardown(dir, "left"); err != nil {
		t.Fatal(err)
	}
	mustHaveNoTemp(t, "right after the teardown")
}

// TestNewVethMarkedBeforeNamed: a new veth's host side gets its final name
// only together with the alias; the plan's temporary names never remain.
func TestNewVethMarkedBeforeNamed(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	def := vethLeftoverDef(t)
	setup(t, def)
	mustContain(t, "host side", nstest.IP(t, "-o", "link", "show", "vx-left-0"), "alias vserverx:left:0")
	mustHaveNoTemp(t, "after the start")
}
