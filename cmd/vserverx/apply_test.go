// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// The apply tests change the definition of group dmz (guests web and mail,
// one macvlan eth0 on the host's eth0) while both guests run, and check
// with `ip` that namespace dmz changed exactly as intended, that the host
// did not change, and that the guests kept running where they were.

// applyKeys are the sysctls the namespace snapshots of these tests read.
var applyKeys = []string{"net.ipv4.ip_forward", "net.ipv4.conf.all.arp_ignore"}

// runningGroup starts web and mail of dmz and returns the host.
func runningGroup(t *testing.T) *host {
	t.Helper()
	h := newHost(t, "dmz")
	for _, g := range []string{"web", "mail"} {
		h.mustVX(g, "setup")
	}
	return h
}

// startGroup starts web and mail and returns their init pids.
func (h *host) startGroup() map[string]string {
	h.t.Helper()
	pids := map[string]string{}
	for _, g := range []string{"web", "mail"} {
		h.mustVX(g, "start")
		pids[g] = h.guestPid(g)
	}
	return pids
}

// guestPid is the pid of the stand-in guest's init.
func (h *host) guestPid(guest string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.state, "run", guest, "pid"))
	if err != nil {
		h.t.Fatalf("pid of guest %s: %v", guest, err)
	}
	return strings.TrimSpace(string(b))
}

// assertGuestsUntouched fails unless each guest still runs with the same
// init pid, inside namespace dmz.
func (h *host) assertGuestsUntouched(pids map[string]string) {
	h.t.Helper()
	dmz := h.netnsID("dmz")
	for g, pid := range pids {
		if now := h.guestPid(g); now != pid {
			h.t.Errorf("guest %s: init pid %s, was %s", g, now, pid)
		}
		ns, err := os.Readlink("/proc/" + pid + "/ns/net")
		if err != nil || ns != dmz {
			h.t.Errorf("guest %s (pid %s) is in %q (%v), not in dmz %s", g, pid, ns, err, dmz)
		}
	}
}

// remove deletes a file or directory under the confdir.
func (h *host) remove(rel string) {
	h.t.Helper()
	if err := os.RemoveAll(filepath.Join(h.confdir, rel)); err != nil {
		h.t.Fatal(err)
	}
}

// addMacvlan1 defines interface 1 of dmz: a macvlan eth1 on eth0 with
// 198.51.100.2/24.
func (h *host) addMacvlan1() {
	h.write(".netns/dmz/interfaces/1/type", "macvlan\n")
	h.write(".netns/dmz/interfaces/1/link", "eth0\n")
	h.write(".netns/dmz/interfaces/1/name", "eth1\n")
	h.write(".netns/dmz/interfaces/1/ip", "198.51.100.2/24\n")
}

// assertOnly fails unless every line in lines matches one of the patterns
// and every pattern matches at least one line.
func assertOnly(t *testing.T, what string, lines []string, patterns ...string) {
	t.Helper()
	hit := make([]bool, len(patterns))
	for _, l := range lines {
		ok := false
		for i, p := range patterns {
			if regexp.MustCompile(p).MatchString(l) {
				hit[i], ok = true, true
			}
		}
		if !ok {
			t.Errorf("%s: unexpected line %q", what, l)
		}
	}
	for i, p := range patterns {
		if !hit[i] {
			t.Errorf("%s: no line matches %q in:\n  %s", what, p, strings.Join(lines, "\n  "))
		}
	}
}

// assertNone fails when lines is not empty.
func assertNone(t *testing.T, what string, lines []string) {
	t.Helper()
	if len(lines) > 0 {
		t.Errorf("%s: want none, got:\n  %s", what, strings.Join(lines, "\n  "))
	}
}

// TestApplyAddsInterfaceAddressSysctl: an address, an interface and a
// sysctl added to the definition of a running group are shown by status,
// check and --dry-run (which changes nothing), then made by apply: the
// namespace gains exactly them, the host and the guests are untouched, and
// a second apply has nothing to do.
func TestApplyAddsInterfaceAddressSysctl(t *testing.T) {
	h := runningGroup(t)
	pids := h.startGroup()
	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n2001:db8::10/64\n192.0.2.11/24\n")
	h.addMacvlan1()
	h.write(".netns/dmz/sysctl/net.ipv4.conf.all.arp_ignore", "1\n")
	host, ns := nstest.Snapshot(t), nstest.SnapshotNamespace(t, "dmz", applyKeys...)

	r := h.mustVX("mail", "apply", "--dry-run")
	for _, want := range []string{
		"Apply: namespace dmz (group dmz: mail, web): 3 change(s)",
		" 1. interface 0 (eth0): add address 192.0.2.11/24",
		" 2. create interface 1 (" + filepath.Join(h.confdir, ".netns/dmz/interfaces/1") + "): macvlan (mode bridge) on eth0, named eth1 inside",
		" 3. apply 1 sysctl setting(s) inside dmz",
		"net.ipv4.conf.all.arp_ignore = 1 (now 0;",
		"dry run: nothing was changed",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply --dry-run lacks %q: %s", want, r)
		}
	}
	nstest.AssertSame(t, host)
	if gone, added := nstest.DiffNamespace(ns, nstest.SnapshotNamespace(t, "dmz", applyKeys...)); len(gone)+len(added) > 0 {
		t.Fatalf("apply --dry-run changed dmz: gone %q added %q", gone, added)
	}
	h.assertDrift("web", "add address 192.0.2.11/24", "create interface 1", "apply 1 sysctl")

	r = h.mustVX("web", "apply")
	if !strings.Contains(r.stdout, "namespace dmz now matches its definition") {
		t.Errorf("apply does not say it is done: %s", r)
	}
	gone, added := nstest.DiffNamespace(ns, nstest.SnapshotNamespace(t, "dmz", applyKeys...))
	if !slices.Equal(gone, []string{"sysctl: net.ipv4.conf.all.arp_ignore = 0"}) {
		t.Errorf("apply removed from dmz: %q, want only the old sysctl value", gone)
	}
	assertOnly(t, "lines apply added to dmz", added,
		`^sysctl: net.ipv4.conf.all.arp_ignore = 1$`,
		`^addr: \d+: eth0 +inet 192\.0\.2\.11/24 .*secondary`,
		`^route: local 192\.0\.2\.11 dev eth0 table local`,
		`^link: \d+: eth1@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP>.* alias vserverx:dmz:1`,
		`^addr: \d+: eth1 +inet 198\.51\.100\.2/24`,
		`^addr: \d+: eth1 +inet6 fe80::`,
		`^route: .*dev eth1`,
	)
	nstest.AssertSame(t, host)
	h.assertGuestsUntouched(pids)

	r = h.mustVX("web", "apply")
	if !strings.Contains(r.stdout, "matches its definition: nothing to do") {
		t.Errorf("a second apply should have nothing to do: %s", r)
	}
	h.assertDrift("mail")
}

// assertDrift checks the drift status and check report for guest g: none
// when wants is empty, else a drift naming each of wants.
func (h *host) assertDrift(g string, wants ...string) {
	h.t.Helper()
	r := h.vx(g, "status", "--json")
	var st struct {
		Drift []string `json:"drift"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		h.t.Fatalf("status --json: %v: %s", err, r)
	}
	text := strings.Join(st.Drift, "\n")
	if len(wants) == 0 && len(st.Drift) > 0 {
		h.t.Errorf("status --json reports drift of a namespace that matches: %q", st.Drift)
	}
	for _, w := range wants {
		if !strings.Contains(text, w) {
			h.t.Errorf("status --json drift lacks %q: %q", w, st.Drift)
		}
	}
	plain := h.vx(g, "status").stdout + h.vx(g, "check").stdout
	hint := "namespace dmz differs from its definition"
	if got := strings.Count(plain, hint); got != 2 && len(wants) > 0 || got != 0 && len(wants) == 0 {
		h.t.Errorf("status and check should each say %q when (and only when) it differs (want %v): %s", hint, len(wants) > 0, plain)
	}
}

// TestApplyRemovesAddressAndInterface: an address and an interface
// removed from the definition are removed from the running namespace, and
// nothing else: not an address a member's util-vserver interfaces/ added,
// not a link without vserverx's alias. An address added by hand to
// vserverx's link is removed (the documented rule).
func TestApplyRemovesAddressAndInterface(t *testing.T) {
	h := runningGroup(t)
	h.addMacvlan1()
	h.write("web/interfaces/0/ip", "192.0.2.20\n")
	h.write("web/interfaces/0/prefix", "24\n")
	h.write("web/interfaces/0/dev", "eth0\n")
	pids := h.startGroup()
	nstest.IP(t, "-n", "dmz", "link", "add", "foreign", "type", "veth", "peer", "name", "foreignp")
	nstest.IP(t, "-n", "dmz", "addr", "add", "203.0.113.5/24", "dev", "foreign")
	nstest.IP(t, "-n", "dmz", "addr", "add", "192.0.2.99/24", "dev", "eth0")
	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n")
	h.remove(".netns/dmz/interfaces/1")
	host, ns := nstest.Snapshot(t), nstest.SnapshotNamespace(t, "dmz", applyKeys...)

	r := h.mustVX("web", "apply")
	for _, want := range []string{
		"remove interface 1 (eth1, macvlan)",
		"interface 0 (eth0): remove address 2001:db8::10/64",
		"interface 0 (eth0): remove address 192.0.2.99/24",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply lacks %q: %s", want, r)
		}
	}
	if strings.Contains(r.stdout, "192.0.2.20") || strings.Contains(r.stdout, "203.0.113.5") {
		t.Errorf("apply touches an address that is not its own: %s", r)
	}
	gone, added := nstest.DiffNamespace(ns, nstest.SnapshotNamespace(t, "dmz", applyKeys...))
	assertNone(t, "lines apply added to dmz", added)
	assertOnly(t, "lines apply removed from dmz", gone,
		`^link: \d+: eth1@`,
		`^addr: \d+: eth1 `,
		`^route: .*dev eth1`,
		`^addr: \d+: eth0 +inet6 2001:db8::10/64`,
		`^route: (anycast |local )?2001:db8::(10|/64)? dev eth0`,
		`^addr: \d+: eth0 +inet 192\.0\.2\.99/24`,
		`^route: local 192\.0\.2\.99 dev eth0`,
	)
	nstest.AssertSame(t, host)
	h.assertGuestsUntouched(pids)
	if out := nstest.IP(t, "-n", "dmz", "-o", "addr", "show"); !strings.Contains(out, "192.0.2.20/24") || !strings.Contains(out, "203.0.113.5/24") {
		t.Errorf("apply removed an address that is not its own:\n%s", out)
	}
}

// TestApplyRecreate: a change of the macvlan mode needs the link deleted
// and created again: refused without --recreate (nothing changes), done
// with it while the guests keep running.
func TestApplyRecreate(t *testing.T) {
	h := runningGroup(t)
	pids := h.startGroup()
	h.write(".netns/dmz/interfaces/0/mode", "private\n")
	host, ns := nstest.Snapshot(t), nstest.SnapshotNamespace(t, "dmz", applyKeys...)

	r := h.vx("web", "apply")
	if r.code != 1 || !strings.Contains(r.stdout, "recreate interface 0") ||
		!strings.Contains(r.stdout, "connections on it break") ||
		!strings.Contains(r.stderr, "interface 0 (macvlan mode is bridge, defined private") ||
		!strings.Contains(r.stderr, "vserverx web apply --recreate") {
		t.Fatalf("apply of a mode change without --recreate: want exit 1 naming the recreate: %s", r)
	}
	nstest.AssertSame(t, host)
	if gone, added := nstest.DiffNamespace(ns, nstest.SnapshotNamespace(t, "dmz", applyKeys...)); len(gone)+len(added) > 0 {
		t.Fatalf("a refused apply changed dmz: gone %q added %q", gone, added)
	}

	h.mustVX("web", "apply", "--recreate")
	link := nstest.IP(t, "-n", "dmz", "-d", "-o", "link", "show", "eth0")
	for _, want := range []string{"macvlan mode private", "alias vserverx:dmz:0", "02:00:00:00:07:00", "UP"} {
		if !strings.Contains(link, want) {
			t.Errorf("recreated eth0 lacks %q: %s", want, link)
		}
	}
	addrs := nstest.IP(t, "-n", "dmz", "-o", "addr", "show", "eth0")
	for _, want := range []string{"192.0.2.10/24", "2001:db8::10/64"} {
		if !strings.Contains(addrs, want) {
			t.Errorf("recreated eth0 lacks address %s: %s", want, addrs)
		}
	}
	if out := nstest.IP(t, "-n", "dmz", "route", "show", "default"); !strings.Contains(out, "via 192.0.2.1 dev eth0") {
		t.Errorf("recreated eth0 lacks its default route: %s", out)
	}
	nstest.AssertSame(t, host)
	h.assertGuestsUntouched(pids)
	h.assertDrift("web")
}

// TestApplyFailureRestores: a sysctl value the kernel refuses fails the
// last change; everything apply changed before it (an address removed, one
// added, an interface created) is restored, and the namespace is as before.
func TestApplyFailureRestores(t *testing.T) {
	h := runningGroup(t)
	pids := h.startGroup()
	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n192.0.2.11/24\n")
	h.addMacvlan1()
	h.write(".netns/dmz/sysctl/net.ipv4.ip_forward", "bogus\n")
	host, ns := nstest.Snapshot(t), nstest.SnapshotNamespace(t, "dmz", applyKeys...)

	r := h.vx("web", "apply")
	if r.code != 1 {
		t.Fatalf("apply with a refused sysctl value: want exit 1: %s", r)
	}
	for _, want := range []string{
		"change 4 (apply 1 sysctl setting(s) inside dmz) failed",
		"restored the 3 change(s) made before it",
		"restored: create interface 1",
		"restored: interface 0 (eth0): add address 192.0.2.11/24",
		"restored: interface 0 (eth0): remove address 2001:db8::10/64",
		`write "bogus" to /proc/sys/net/ipv4/ip_forward: write /proc/sys/net/ipv4/ip_forward: invalid argument`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("apply's failure report lacks %q: %s", want, r)
		}
	}
	nstest.AssertSame(t, host)
	if gone, added := nstest.DiffNamespace(ns, nstest.SnapshotNamespace(t, "dmz", applyKeys...)); len(gone)+len(added) > 0 {
		t.Errorf("dmz after the rollback differs:\n  gone:  %s\n  added: %s", strings.Join(gone, "\n         "), strings.Join(added, "\n         "))
	}
	h.assertGuestsUntouched(pids)
}

// TestApplyNeedsRunningGroup: with no member running there is no namespace
// to apply to; apply says so, points to start, and creates nothing.
func TestApplyNeedsRunningGroup(t *testing.T) {
	h := runningGroup(t)
	before := nstest.Snapshot(t)
	r := h.vx("web", "apply", "--dry-run")
	if r.code != 1 || !strings.Contains(r.stderr, "namespace does not exist: dmz") ||
		!strings.Contains(r.stderr, "no member of group dmz (mail, web) runs; 'vserverx web start' creates it") {
		t.Fatalf("apply to a stopped group: want exit 1 pointing to start: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestApplyRefusesMissingParent: a plan that adds an interface on a parent
// the host lacks and removes an address is refused before its first
// change, in check's words and naming the file: the address stays.
func TestApplyRefusesMissingParent(t *testing.T) {
	applyRefusedUnchanged(t, "interfaces/1/link", "eth9\n",
		"parent device eth9", "interfaces/1/link) does not exist on the host")
}

// TestApplyRefusesMTUAboveParent: as above, for a new macvlan whose MTU
// is above its parent's.
func TestApplyRefusesMTUAboveParent(t *testing.T) {
	applyRefusedUnchanged(t, "interfaces/1/mtu", "9000\n",
		"MTU 9000 is above the MTU 1500 of its parent eth0", "interfaces/1/mtu")
}

// applyRefusedUnchanged adds macvlan 1 with key set to value and removes
// an address, and checks that apply refuses with wants and changes nothing.
func applyRefusedUnchanged(t *testing.T, key, value string, wants ...string) {
	h := runningGroup(t)
	pids := h.startGroup()
	h.write(".netns/dmz/interfaces/0/ip", "192.0.2.10/24\n")
	h.addMacvlan1()
	h.write(".netns/dmz/"+key, value)
	addrs := nstest.IP(t, "-n", "dmz", "-o", "addr")
	links := nstest.IP(t, "-n", "dmz", "-o", "link")

	r := h.vx("web", "apply")
	if r.code != 1 {
		t.Fatalf("apply %s=%q: want exit 1: %s", key, value, r)
	}
	for _, want := range append(wants, "nothing was changed") {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("apply's refusal lacks %q: %s", want, r)
		}
	}
	if got := nstest.IP(t, "-n", "dmz", "-o", "addr"); got != addrs {
		t.Errorf("addresses changed:\nbefore:\n%s\nafter:\n%s", addrs, got)
	}
	if got := nstest.IP(t, "-n", "dmz", "-o", "link"); got != links {
		t.Errorf("links changed:\nbefore:\n%s\nafter:\n%s", links, got)
	}
	h.assertGuestsUntouched(pids)
}
