// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// countingPlace returns X's place of ns with delGroup counting its
// requests (failing them when fail is set).
func countingPlace(t *testing.T, ns *NS, fail bool) (linkPlace, *int) {
	t.Helper()
	e, err := newEngine(ns, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	p := e.inside()
	n := new(int)
	real := p.delGroup
	p.delGroup = func(g uint32) error {
		*n++
		if fail {
			return errors.New("refused by the test")
		}
		return real(g)
	}
	return p, n
}

func ownOf(t *testing.T, p linkPlace, ns string) []ownLink {
	t.Helper()
	own, err := ownLinks(p.h, ns)
	if err != nil {
		t.Fatal(err)
	}
	return own
}

// linksLeft is `ip -n X -o link show` minus lo.
func linksLeft(t *testing.T, ns string) string {
	t.Helper()
	var left []string
	for _, l := range strings.Split(strings.TrimSpace(nstest.IP(t, "-n", ns, "-o", "link", "show")), "\n") {
		if !strings.Contains(l, " lo:") {
			left = append(left, l)
		}
	}
	return strings.Join(left, "\n")
}

// TestCreatedLinksCarryGroup: every link created in X is in vserverx's
// link group (ip -d shows it).
func TestCreatedLinksCarryGroup(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	setup(t, fourMacvlans(t, "grp"))
	out := nstest.IP(t, "-n", "grp", "-d", "-o", "link", "show")
	if n := strings.Count(out, "group 30328"); n != 4 {
		t.Errorf("%d links in group 30328, want 4:\n%s", n, out)
	}
}

// TestRemoveDeletesGroupWithOneRequest: K links of X go with one request;
// a link an older vserverx made without the group is found by its alias
// and deleted too; the host is as before.
func TestRemoveDeletesGroupWithOneRequest(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	before := nstest.Snapshot(t)
	ns := setup(t, fourMacvlans(t, "bulk"))
	nstest.IP(t, "-n", "bulk", "link", "set", "eth3", "group", "default")
	p, requests := countingPlace(t, ns, false)
	if err := p.remove(ownOf(t, p, "bulk")); err != nil {
		t.Fatal(err)
	}
	if *requests != 1 {
		t.Errorf("%d group delete requests, want 1", *requests)
	}
	if left := linksLeft(t, "bulk"); left != "" {
		t.Errorf("links left in bulk:\n%s", left)
	}
	ns.Close()
	if err := Teardown(dir, "bulk"); err != nil {
		t.Fatal(err)
	}
	nstest.AssertSame(t, before)
}

// TestRemoveSubsetLeavesRestOfGroup: removing some of X's grouped links
// (the undo of a start that joined X) never deletes the others.
func TestRemoveSubsetLeavesRestOfGroup(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	ns := setup(t, fourMacvlans(t, "part"))
	p, requests := countingPlace(t, ns, false)
	own := ownOf(t, p, "part")
	if err := p.remove(own[:2]); err != nil {
		t.Fatal(err)
	}
	if *requests != 0 {
		t.Errorf("%d group delete requests for a part of the group, want 0", *requests)
	}
	left := linksLeft(t, "part")
	if strings.Count(left, "\n")+1 != 2 || !strings.Contains(left, own[2].link.Attrs().Name) || !strings.Contains(left, own[3].link.Attrs().Name) {
		t.Errorf("want exactly %s and %s left, have:\n%s", own[2].link.Attrs().Name, own[3].link.Attrs().Name, left)
	}
}

// TestRemoveFallsBackWhenGroupDeleteFails: a refused group delete leaves
// the links to be deleted one by one.
func TestRemoveFallsBackWhenGroupDeleteFails(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	ns := setup(t, fourMacvlans(t, "fallback"))
	p, requests := countingPlace(t, ns, true)
	if err := p.remove(ownOf(t, p, "fallback")); err != nil {
		t.Fatal(err)
	}
	if *requests != 1 {
		t.Errorf("%d group delete requests, want 1", *requests)
	}
	if left := linksLeft(t, "fallback"); left != "" {
		t.Errorf("links left after the fallback:\n%s", left)
	}
}

// TestDeleteGroupErrors: a closed namespace is an error; an empty group is
// not.
func TestDeleteGroupErrors(t *testing.T) {
	nstest.RequireRoot(t)
	warmDir(t)
	if err := deleteGroup(&NS{Name: "closed", fd: -1}, LinkGroup); !errors.Is(err, errNotOpen) {
		t.Errorf("closed namespace: want errNotOpen, got %v", err)
	}
	ns, _, _, err := Ensure(dir, "empty")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = Teardown(dir, "empty") })
	if err := deleteGroup(ns, LinkGroup); err != nil {
		t.Errorf("empty group: %v", err)
	}
}

// TestImmediateRestartAfterTeardown: macvlans with the same MACs are
// created again right after teardown, several times: the old ones are
// really gone from the parent ("Address already in use" otherwise).
func TestImmediateRestartAfterTeardown(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	before := nstest.Snapshot(t)
	for i := range 5 {
		ns, _, _, err := Ensure(dir, "again")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Converge(ns, fourMacvlans(t, "again")); err != nil {
			ns.Close()
			t.Fatalf("start %d right after a teardown: %v", i, err)
		}
		ns.Close()
		if err := Teardown(dir, "again"); err != nil {
			t.Fatalf("teardown %d: %v", i, err)
		}
	}
	nstest.AssertSame(t, before)
}
