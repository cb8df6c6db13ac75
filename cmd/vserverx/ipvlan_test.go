// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestE2EIPVlan: group dmz with its interface an ipvlan (mode l2, flags
// private) on the host's eth0, through every command: check refuses a
// mac file for it, plan describes it, start creates it inside dmz with
// the parent's MAC (ip -d link as witness), status shows it, apply
// refuses to change its flags without --recreate and recreates it with
// it, stop leaves the host as it was. It needs the ipvlan driver: it runs
// in the test VM (testdata/vmtest) and skips on kernels without it.
func TestE2EIPVlan(t *testing.T) {
	nstest.RequireDriver(t, "ipvlan")
	h := newHost(t, "dmz")
	h.remove(".netns/dmz/interfaces/0/mode")
	h.write(".netns/dmz/interfaces/0/type", "ipvlan\n")
	h.write(".netns/dmz/interfaces/0/flags", "private\n")
	h.write(".netns/dmz/interfaces/0/mac", "02:00:00:00:00:99\n")
	r := h.vx("web", "check")
	if r.code != 1 || !strings.Contains(r.stdout, filepath.Join(h.confdir, ".netns/dmz/interfaces/0/mac")+": not allowed for type ipvlan") {
		t.Errorf("check of an ipvlan with a mac file: %s", r)
	}
	h.remove(".netns/dmz/interfaces/0/mac")
	before := nstest.Snapshot(t)
	for _, g := range []string{"web", "mail"} {
		h.mustVX(g, "setup")
	}
	mustHave(t, "plan", h.mustVX("web", "plan").stdout, "ipvlan (mode l2, private) on eth0, named eth0 inside",
		"MAC of its parent eth0 (an ipvlan has no MAC of its own)")

	h.mustVX("web", "start")
	hostMAC := regexp.MustCompile(`link/ether (\S+)`).FindStringSubmatch(nstest.IP(t, "link", "show", "eth0"))
	link := nstest.IP(t, "-n", "dmz", "-d", "link", "show", "eth0")
	if !regexp.MustCompile(`ipvlan +mode l2 private`).MatchString(link) || !strings.Contains(link, "alias vserverx:dmz:0") ||
		hostMAC == nil || !strings.Contains(link, "link/ether "+hostMAC[1]) {
		t.Errorf("eth0 in dmz is not an l2 private ipvlan with eth0's MAC %v and vserverx's alias:\n%s", hostMAC, link)
	}
	mustHave(t, "addresses in dmz", nstest.IP(t, "-n", "dmz", "addr", "show", "eth0"), "inet 192.0.2.10/24", "inet6 2001:db8::10/64")
	mustHave(t, "routes in dmz", nstest.IP(t, "-n", "dmz", "route"), "default via 192.0.2.1 dev eth0 proto 73")
	var st struct {
		Interfaces []struct{ Name, Type string } `json:"interfaces"`
	}
	if err := json.Unmarshal([]byte(h.mustVX("web", "status", "--json").stdout), &st); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ReplaceAll(jsonString(t, st.Interfaces), " ", ""), `{"Name":"eth0","Type":"ipvlan"}`) {
		t.Errorf("status --json interfaces: %+v", st.Interfaces)
	}
	h.assertDrift("web")

	h.write(".netns/dmz/interfaces/0/flags", "bridge\n")
	r = h.vx("web", "apply")
	if r.code == 0 || !strings.Contains(r.stderr+r.stdout, "ipvlan flags is private, defined bridge") || !strings.Contains(r.stderr, "--recreate") {
		t.Errorf("apply of new ipvlan flags without --recreate: %s", r)
	}
	h.mustVX("web", "apply", "--recreate")
	if link := nstest.IP(t, "-n", "dmz", "-d", "link", "show", "eth0"); !regexp.MustCompile(`ipvlan +mode l2 bridge`).MatchString(link) {
		t.Errorf("after apply --recreate eth0 is not in flags bridge:\n%s", link)
	}
	h.mustVX("web", "stop")
	nstest.AssertSame(t, before)
}

// jsonString is v as JSON.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
