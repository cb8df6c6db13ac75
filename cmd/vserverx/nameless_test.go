// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// The nameless tests remove the name /run/netns/dmz (ip netns del) while
// members of group dmz run in it: the namespace lives on in their
// processes. status says so; apply and start give it its name back.

// delName removes the name of namespace x as `ip netns del` does and checks
// that it is gone.
func (h *host) delName(x string) {
	h.t.Helper()
	nstest.IP(h.t, "netns", "del", x)
	if slices.Contains(netnsList(h.t), x) {
		h.t.Fatalf("ip netns del %s: still listed", x)
	}
}

// assertNamed fails unless `ip netns list` shows x and it is namespace id.
func (h *host) assertNamed(x, id string) {
	h.t.Helper()
	if !slices.Contains(netnsList(h.t), x) {
		h.t.Fatalf("ip netns list does not show %s", x)
	}
	if got := h.netnsID(x); got != id {
		h.t.Errorf("%s names %s, want the members' %s", x, got, id)
	}
}

// TestNamelessNamespaceNamedAgainByApply: status names the members the
// nameless dmz lives on in; apply names it again (same namespace, guests
// untouched) and then finds nothing to change.
func TestNamelessNamespaceNamedAgainByApply(t *testing.T) {
	h := runningGroup(t)
	before := nstest.Snapshot(t)
	pids := h.startGroup()
	id := h.netnsID("dmz")
	h.delName("dmz")
	r := h.mustVX("web", "status")
	if !strings.Contains(r.stdout, "namespace dmz has no name: it lives on in the processes of mail, web\n") {
		t.Errorf("status does not say that dmz lives on in mail and web: %s", r)
	}
	if slices.Contains(netnsList(t), "dmz") {
		t.Fatal("status named dmz again: it must change nothing")
	}
	r = h.mustVX("web", "apply")
	if !strings.Contains(r.stdout, "namespace dmz had no name: named it "+nstest.NetnsDir+"/dmz again") {
		t.Errorf("apply does not say it named dmz again: %s", r)
	}
	if !strings.Contains(r.stdout, "matches its definition: nothing to do") {
		t.Errorf("apply found changes in the namespace the members live in: %s", r)
	}
	h.assertNamed("dmz", id)
	h.assertGuestsUntouched(pids)
	if r := h.mustVX("web", "status"); strings.Contains(r.stdout, "no name") || strings.Contains(r.stdout, "problem") {
		t.Errorf("status after apply: %s", r)
	}
	h.mustVX("web", "stop")
	h.mustVX("mail", "stop")
	nstest.AssertSame(t, before)
}

// TestNamelessNamespaceNamedAgainByStart: a start of the running member
// names dmz again (and starts nothing); so does a start of another member,
// which then joins the namespace web lives in instead of making a new dmz.
func TestNamelessNamespaceNamedAgainByStart(t *testing.T) {
	h := runningGroup(t)
	before := nstest.Snapshot(t)
	h.mustVX("web", "start")
	id := h.netnsID("dmz")
	h.delName("dmz")
	r := h.mustVX("web", "start")
	if !strings.Contains(r.stdout, "namespace dmz had no name") || !strings.Contains(r.stderr, "already running") {
		t.Errorf("start of the running web: %s", r)
	}
	h.assertNamed("dmz", id)
	h.delName("dmz")
	r = h.mustVX("mail", "start")
	if !strings.Contains(r.stdout, "namespace dmz had no name") || strings.Contains(r.stdout, "created network namespace dmz") {
		t.Errorf("start of mail: %s", r)
	}
	h.assertNamed("dmz", id)
	if got := h.guestNetns("mail"); got != id {
		t.Errorf("mail runs in %s, web and dmz in %s", got, id)
	}
	h.mustVX("web", "stop")
	h.mustVX("mail", "stop")
	nstest.AssertSame(t, before)
}

// TestNamelessRefusesPrivateNamespace: a member started by plain vserver
// (before vserverx managed it) runs in a private namespace, which holds none
// of vserverx's links for dmz: apply refuses to name it dmz and creates
// nothing; a start of web creates dmz as before. Once dmz's name is gone
// too, its members are in two namespaces: apply and start refuse, naming
// both, and create nothing.
func TestNamelessRefusesPrivateNamespace(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	spacesNet := filepath.Join(h.confdir, "mail", "spaces", "net")
	if err := os.Remove(spacesNet); err != nil {
		t.Fatal(err)
	}
	if r := h.vserver("mail", "start"); r.code != 0 {
		t.Fatalf("plain vserver mail start (not managed yet): %s", r)
	}
	private := h.guestNetns("mail")
	h.write("mail/spaces/net", "dmz\n")
	h.mustVX("web", "setup")
	r := h.vx("mail", "apply")
	if r.code == 0 || !strings.Contains(r.stderr, "namespace dmz does not exist; running guest(s) of group dmz run outside it: mail in "+private+" (holds none of vserverx's links for dmz)") {
		t.Errorf("apply with mail in a private namespace: %s", r)
	}
	if slices.Contains(netnsList(t), "dmz") {
		t.Fatal("apply named mail's private namespace dmz")
	}
	if r := h.vx("mail", "status"); !strings.Contains(r.stdout, "problem: namespace dmz does not exist; running guest(s) of group dmz run outside it") {
		t.Errorf("status with mail in a private namespace: %s", r)
	}
	r = h.mustVX("web", "start")
	if !strings.Contains(r.stdout, "created network namespace dmz") || !strings.Contains(r.stderr, "run outside it: mail in "+private) {
		t.Errorf("start of web with mail outside dmz: %s", r)
	}
	dmz := h.netnsID("dmz")
	if dmz == private || h.guestNetns("web") != dmz {
		t.Fatalf("web runs in %s, dmz is %s, mail's private namespace %s", h.guestNetns("web"), dmz, private)
	}
	h.delName("dmz")
	for _, cmd := range []string{"apply", "start"} {
		r = h.vx("web", cmd)
		if r.code == 0 || !strings.Contains(r.stderr, "not all in one namespace holding its links: mail in "+private+" (holds none of vserverx's links for dmz), web in "+dmz+" (holds vserverx's links eth0 of dmz)") {
			t.Errorf("%s with web in nameless dmz and mail outside: %s", cmd, r)
		}
		if slices.Contains(netnsList(t), "dmz") {
			t.Fatalf("%s named a namespace dmz", cmd)
		}
	}
	h.mustVX("web", "stop")
	h.vserver("mail", "stop")
	nstest.AssertSame(t, before)
}
