// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// The routing tests give group dmz a routes and a rules file and check
// with `ip -d route show table all` and `ip rule` (the independent
// witness) what start, apply and stop do, and that a route and a rule
// someone else added are never touched nor reported as drift.

// routesOf is every route of namespace x, IPv4 and IPv6, and its rules.
func routesOf(t *testing.T, x string) string {
	t.Helper()
	return nstest.IP(t, "-n", x, "-d", "route", "show", "table", "all") +
		nstest.IP(t, "-n", x, "rule") + nstest.IP(t, "-n", x, "-6", "rule")
}

// TestRoutesAndRulesThroughCommands: plan shows the routing step after
// the interfaces and before the sysctls; start adds the routes and rules
// with protocol 73; status --json lists them and a foreign route as not
// defined (no drift); check warns about it; apply --dry-run shows the
// numbered changes after the files change and apply makes them, leaving
// the foreign route and rule; stopping one member leaves everything.
func TestRoutesAndRulesThroughCommands(t *testing.T) {
	h := runningGroup(t)
	h.write(".netns/dmz/routes", "# dmz\n10.0.0.0/8 via 192.0.2.1\nblackhole 10.99.0.0/16 table 100\n2001:db8:1::/48 via 2001:db8::1 metric 10\n")
	h.write(".netns/dmz/rules", "from 192.0.2.0/24 lookup 100 priority 1000\n")

	plan := h.mustVX("web", "plan").stdout
	step, sysctl := strings.Index(plan, "add 3 route(s) and 1 policy rule(s) inside dmz"), strings.Index(plan, "apply 1 sysctl")
	if step < 0 || sysctl < step || strings.Index(plan, "interface 0 (") > step {
		t.Errorf("plan lacks the routing step between the interfaces and the sysctls:\n%s", plan)
	}
	mustHave(t, "plan", plan, "route 10.0.0.0/8 via 192.0.2.1 (table main) ("+filepath.Join(h.confdir, ".netns/dmz/routes")+" line 2)",
		"each with route protocol 73 (vserverx)")

	pids := h.startGroup()
	mustHave(t, "routes after start", routesOf(t, "dmz"),
		"unicast 10.0.0.0/8 via 192.0.2.1 dev eth0 table main proto 73",
		"blackhole 10.99.0.0/16 table 100 proto 73",
		"unicast 2001:db8:1::/48 via 2001:db8::1 dev eth0 table main proto 73 scope global metric 10",
		"unicast default via 192.0.2.1 dev eth0 table main proto 73",
		"1000:\tfrom 192.0.2.0/24 lookup 100 proto 73")

	nstest.IP(t, "-n", "dmz", "route", "add", "172.16.0.0/12", "via", "192.0.2.1", "proto", "static")
	nstest.IP(t, "-n", "dmz", "rule", "add", "fwmark", "9", "lookup", "200", "priority", "500")
	h.assertDrift("web")
	st := routingStatus(t, h, "web")
	if len(st.Routes) < 5 || len(st.Rules) < 4 {
		t.Errorf("status --json: %d routes, %d rules: %+v", len(st.Routes), len(st.Rules), st)
	}
	if strings.Join(st.NotDefined, "\n") != "route 172.16.0.0/12 via 192.0.2.1 dev eth0 proto static (table main)\nrule -4 fwmark 0x9 lookup 200 priority 500 proto unspec" {
		t.Errorf("status --json routing_not_defined: %q", st.NotDefined)
	}
	mustHave(t, "status", h.mustVX("web", "status").stdout, "route 10.0.0.0/8 via 192.0.2.1 dev eth0 proto vserverx (table main)",
		"not defined: route 172.16.0.0/12 via 192.0.2.1 dev eth0 proto static (table main)")
	mustHave(t, "check", h.mustVX("web", "check").stdout, "warning: "+filepath.Join(h.confdir, ".netns/dmz")+": namespace dmz holds what its definition does not name",
		"route 172.16.0.0/12 via 192.0.2.1 dev eth0 proto static")

	h.write(".netns/dmz/routes", "10.0.0.0/8 via 192.0.2.1\n198.51.100.0/24 via 192.0.2.1 metric 10\n2001:db8:1::/48 via 2001:db8::1 metric 10\n")
	h.write(".netns/dmz/rules", "fwmark 7 lookup 100\n")
	before := routesOf(t, "dmz")
	dry := h.mustVX("mail", "apply", "--dry-run").stdout
	mustHave(t, "apply --dry-run", dry, "5 change(s)",
		" 1. remove route blackhole 10.99.0.0/16 table 100 proto vserverx (not in "+filepath.Join(h.confdir, ".netns/dmz/routes")+")",
		" 2. remove rule -4 from 192.0.2.0/24 lookup 100 priority 1000 proto vserverx (not in ",
		" 3. add route 198.51.100.0/24 via 192.0.2.1 metric 10 (table main) (",
		" 4. add rule -4 fwmark 0x7 lookup 100 (",
		" 5. add rule -6 fwmark 0x7 lookup 100 (")
	if now := routesOf(t, "dmz"); addedRouting(now) != addedRouting(before) {
		t.Fatalf("apply --dry-run changed the routing:\n%s\nwas:\n%s", now, before)
	}
	h.assertDrift("web", "remove route blackhole 10.99.0.0/16", "add rule -6 fwmark 0x7 lookup 100")
	h.mustVX("web", "apply")
	after := routesOf(t, "dmz")
	mustHave(t, "routes after apply", after,
		"unicast 198.51.100.0/24 via 192.0.2.1 dev eth0 table main proto 73 scope global metric 10",
		"unicast 10.0.0.0/8 via 192.0.2.1 dev eth0 table main proto 73",
		"from all fwmark 0x7 lookup 100 proto 73",
		"unicast 172.16.0.0/12 via 192.0.2.1 dev eth0 table main proto static", "500:\tfrom all fwmark 0x9 lookup 200")
	for _, gone := range []string{"blackhole 10.99.0.0/16", "from 192.0.2.0/24 lookup 100"} {
		if strings.Contains(after, gone) {
			t.Errorf("apply left %q:\n%s", gone, after)
		}
	}
	if n := strings.Count(after, "fwmark 0x7 lookup 100 proto 73"); n != 2 {
		t.Errorf("fwmark rule %d times, want one per family:\n%s", n, after)
	}
	h.assertDrift("mail")
	h.assertGuestsUntouched(pids)

	h.mustVX("web", "stop") // util-vserver removes web's own address 192.0.2.20 (and its local route)
	if now, was := addedRouting(routesOf(t, "dmz")), addedRouting(after); now != was {
		t.Errorf("stopping web while mail runs changed the routing:\n%s\nwas:\n%s", now, was)
	}
}

// addedRouting keeps the lines of routing that are not the kernel's
// own: vserverx's and those added by hand.
func addedRouting(routing string) string {
	var out []string
	for _, l := range strings.Split(routing, "\n") {
		if !strings.Contains(l, "proto kernel") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// routingState is the routing part of status --json.
type routingState struct {
	Routes     []json.RawMessage `json:"routes"`
	Rules      []json.RawMessage `json:"rules"`
	NotDefined []string          `json:"routing_not_defined"`
}

func routingStatus(t *testing.T, h *host, g string) routingState {
	t.Helper()
	var st routingState
	r := h.vx(g, "status", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("status --json: %v: %s", err, r)
	}
	return st
}

// mustHave fails unless out contains every want.
func mustHave(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// TestFailedRouteUndoesStart: a route the kernel refuses at start (its
// place in table local holds the kernel's route of the address) fails the
// start naming the route and its line; everything the start made is
// removed.
func TestFailedRouteUndoesStart(t *testing.T) {
	h := runningGroup(t)
	h.write(".netns/dmz/routes", "10.0.0.0/8 via 192.0.2.1\nblackhole 192.0.2.10 table local\n")
	h.mustVX("web", "check")
	before := nstest.Snapshot(t)
	r := h.vx("web", "start")
	if r.code == 0 {
		t.Fatalf("start should fail: %s", r)
	}
	mustHave(t, "start", r.stderr, "network namespace dmz: add route blackhole 192.0.2.10/32 table local ("+filepath.Join(h.confdir, ".netns/dmz/routes")+" line 2)",
		"exists in table local already")
	nstest.AssertSame(t, before)
}

// TestApplyRouteFailureRestores: when apply cannot add a route (a foreign
// route holds its place), the changes made before it are undone: the
// namespace's routing is as it was, and the error names the change.
func TestApplyRouteFailureRestores(t *testing.T) {
	h := runningGroup(t)
	h.write(".netns/dmz/routes", "10.0.0.0/8 via 192.0.2.1\n")
	pids := h.startGroup()
	nstest.IP(t, "-n", "dmz", "route", "add", "blackhole", "10.99.0.0/16", "proto", "static")
	h.write(".netns/dmz/routes", "172.16.0.0/12 via 192.0.2.1\nblackhole 10.99.0.0/16\n")
	before := routesOf(t, "dmz")
	r := h.vx("web", "apply")
	if r.code == 0 {
		t.Fatalf("apply should fail: %s", r)
	}
	mustHave(t, "apply", r.stderr, "change 3 (add route blackhole 10.99.0.0/16 (table main) ("+filepath.Join(h.confdir, ".netns/dmz/routes")+" line 2)) failed",
		"restored the 2 change(s) made before it", "exists in table main already")
	if now := routesOf(t, "dmz"); addedRouting(now) != addedRouting(before) {
		t.Errorf("the failed apply left changes:\n%s\nwas:\n%s", now, before)
	}
	h.assertGuestsUntouched(pids)
}
