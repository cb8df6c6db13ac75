// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// routingDef has one veth lan with an IPv4 and an IPv6 address, a
// gateway, and the given routes and rules.
func routingDef(t *testing.T, routes []config.Route, rules []config.Rule) *config.Namespace {
	def := testDef("rt", config.Interface{Num: 0, Type: config.TypeVeth, Name: "lan", Host: "rt-h0",
		MAC: mustMAC(t, "02:00:00:00:2b:00"), HostMAC: mustMAC(t, "06:00:00:00:2b:00"),
		Addrs: prefixes(t, "192.0.2.10/24", "2001:db8::10/64"), Gateways: addrs("192.0.2.1")})
	def.Routes, def.Rules = routes, rules
	return def
}

func route(line int, typ config.RouteType, dst, via, dev string, table, metric int) config.Route {
	r := config.Route{File: "/etc/vservers/.netns/rt/routes", Line: line, Type: typ, Dst: netip.MustParsePrefix(dst),
		Dev: dev, Table: table, Metric: metric}
	if via != "" {
		r.Via = netip.MustParseAddr(via)
	}
	return r
}

// routingOf is every route (all tables) and rule of ns but the kernel's
// own (proto kernel), which come and go with IPv6 link-local addresses.
func routingOf(t *testing.T, ns *NS) string {
	t.Helper()
	return filterKernel(ipNs(t, ns, "-d", "route", "show", "table", "all") + ipNs(t, ns, "rule"))
}

// filterKernel drops the lines of routes that are the kernel's own.
func filterKernel(routes string) string {
	var out []string
	for _, l := range strings.Split(routes, "\n") {
		if !strings.Contains(l, "proto kernel") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// testRoutes are one route of each kind the routes file knows.
func testRoutes() []config.Route {
	mtu := route(3, config.RouteUnicast, "198.51.100.0/24", "", "lan", config.TableMain, 0)
	mtu.MTU, mtu.Src = 1400, netip.MustParseAddr("192.0.2.10")
	onlink := route(4, config.RouteUnicast, "203.0.113.0/24", "203.0.113.1", "lan", 100, 7)
	onlink.Onlink = true
	return []config.Route{
		route(1, config.RouteUnicast, "10.0.0.0/8", "192.0.2.1", "", config.TableMain, 0),
		route(2, config.RouteUnicast, "2001:db8:1::/48", "2001:db8::1", "lan", 100, 10),
		mtu, onlink,
		route(5, config.RouteBlackhole, "10.99.0.0/16", "", "", config.TableMain, 0),
		route(6, config.RouteUnreachable, "2001:db8:dead::/48", "", "", 7, config.DefaultIPv6Metric),
		route(7, config.RouteProhibit, "0.0.0.0/0", "", "", 100000, 0),
	}
}

// testRules are an IPv4 rule with a source, an IPv6 one with not and a
// destination, and a fwmark rule with a mask.
func testRules() []config.Rule {
	f := "/etc/vservers/.netns/rt/rules"
	return []config.Rule{
		{File: f, Line: 1, From: netip.MustParsePrefix("192.0.2.0/24"), Table: 100, Priority: 1000, HasPriority: true},
		{File: f, Line: 2, IPv6: true, Not: true, To: netip.MustParsePrefix("2001:db8:1::/48"), Table: 100, Priority: 1001, HasPriority: true},
		{File: f, Line: 3, IIF: "lo", Mark: 0x10, Mask: 0xff, HasMark: true, HasMask: true, Table: 7},
	}
}

// TestEnsureRouting: routes and rules are added with vserverx's protocol
// (ip -d route show table all, ip rule as witness), a second run adds
// nothing, a route and a rule someone else added are seen as theirs and
// survive the undo, which removes exactly vserverx's.
func TestEnsureRouting(t *testing.T) {
	nstest.RequireRoot(t)
	warmDir(t)
	ns := setup(t, routingDef(t, nil, nil))
	ipNs(t, ns, "route", "add", "172.16.0.0/12", "via", "192.0.2.1", "proto", "static")
	ipNs(t, ns, "rule", "add", "from", "172.16.0.0/12", "lookup", "200", "priority", "500")
	def := routingDef(t, testRoutes(), testRules())
	undo, err := EnsureRouting(ns, def)
	if err != nil {
		t.Fatal(err)
	}
	routes := ipNs(t, ns, "-d", "route", "show", "table", "all")
	mustContain(t, "routes", routes,
		"unicast 10.0.0.0/8 via 192.0.2.1 dev lan table main proto 73 scope global",
		"unicast 2001:db8:1::/48 via 2001:db8::1 dev lan table 100 proto 73 scope global metric 10",
		"unicast 198.51.100.0/24 dev lan table main proto 73 scope link src 192.0.2.10",
		"mtu 1400",
		"unicast 203.0.113.0/24 via 203.0.113.1 dev lan table 100 proto 73 scope global metric 7 onlink",
		"blackhole 10.99.0.0/16 table main proto 73",
		"unreachable 2001:db8:dead::/48 dev lo table 7 proto 73",
		"prohibit default table 100000 proto 73",
		"unicast default via 192.0.2.1 dev lan table main proto 73", // the gateway file's, with the protocol too
		"unicast 172.16.0.0/12 via 192.0.2.1 dev lan table main proto static")
	rules := ipNs(t, ns, "rule") + ipNs(t, ns, "-6", "rule")
	mustContain(t, "rules", rules,
		"1000:\tfrom 192.0.2.0/24 lookup 100 proto 73",
		"1001:\tnot from all to 2001:db8:1::/48 lookup 100 proto 73",
		"from all fwmark 0x10/0xff iif lo lookup 7 proto 73",
		"500:\tfrom 172.16.0.0/12 lookup 200")
	if n := strings.Count(rules, "fwmark 0x10/0xff"); n != 1 {
		t.Errorf("fwmark rule %d times, want once:\n%s", n, rules)
	}

	again, err := EnsureRouting(ns, def)
	if err != nil {
		t.Fatal(err)
	}
	if err := again(); err != nil {
		t.Fatal(err)
	}
	if now := ipNs(t, ns, "-d", "route", "show", "table", "all"); filterKernel(now) != filterKernel(routes) {
		t.Errorf("the second run changed the routes:\n%s\nwas:\n%s", now, routes)
	}
	checkObserved(t, ns, def)

	if err := undo(); err != nil {
		t.Fatal(err)
	}
	after := ipNs(t, ns, "-d", "route", "show", "table", "all")
	mustContain(t, "routes after undo", after, "172.16.0.0/12 via 192.0.2.1 dev lan table main proto static", "default via 192.0.2.1 dev lan table main proto 73")
	if strings.Count(after, "proto 73") != 1 {
		t.Errorf("undo left vserverx's routes (only the gateway's may stay):\n%s", after)
	}
	rulesAfter := ipNs(t, ns, "rule") + ipNs(t, ns, "-6", "rule")
	mustContain(t, "rules after undo", rulesAfter, "500:\tfrom 172.16.0.0/12 lookup 200")
	if strings.Contains(rulesAfter, "proto 73") {
		t.Errorf("undo left vserverx's rules:\n%s", rulesAfter)
	}
}

// checkObserved: ObserveRouting matches every defined route and rule to
// one of vserverx's, and tells the foreign ones and the kernel's apart.
func checkObserved(t *testing.T, ns *NS, def *config.Namespace) {
	t.Helper()
	got, err := ObserveRouting(ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range def.Routes {
		n := 0
		for _, e := range got.Routes {
			if e.Own() && RouteMatches(e, r) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("route %s matched %d observed routes, want 1", r, n)
		}
	}
	for _, r := range def.Rules {
		n := 0
		for _, e := range got.Rules {
			if e.Own() && RuleMatches(e, r) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("rule %s matched %d observed rules, want 1", r, n)
		}
	}
	foreign := map[string]bool{}
	for _, e := range got.Routes {
		if !e.Own() && !e.Kernel() {
			foreign[e.Text] = true
		}
	}
	if len(foreign) != 1 || !foreign["172.16.0.0/12 via 192.0.2.1 dev lan proto static (table main)"] {
		t.Errorf("foreign routes (neither vserverx's nor the kernel's): %v", foreign)
	}
}

// TestEnsureRoutingConflict: a route whose place a foreign route holds
// fails, naming the route, its line and the clash; what was added before
// it is removed again and the foreign route stays.
func TestEnsureRoutingConflict(t *testing.T) {
	nstest.RequireRoot(t)
	warmDir(t)
	ns := setup(t, routingDef(t, nil, nil))
	ipNs(t, ns, "route", "add", "blackhole", "10.99.0.0/16", "proto", "static")
	before := routingOf(t, ns)
	_, err := EnsureRouting(ns, routingDef(t, testRoutes(), testRules()))
	mustContain(t, "error", errString(err), "network namespace rt: add route blackhole 10.99.0.0/16 (/etc/vservers/.netns/rt/routes line 5)",
		"exists in table main already, not added by vserverx")
	if after := routingOf(t, ns); after != before {
		t.Errorf("the failed run left changes:\n%s\nwas:\n%s", after, before)
	}
}

// TestRemoveRouting: RemoveRoute and RemoveRule delete vserverx's and
// their undo adds them back; a foreign route or rule is refused.
func TestRemoveRouting(t *testing.T) {
	nstest.RequireRoot(t)
	warmDir(t)
	ns := setup(t, routingDef(t, testRoutes()[:1], testRules()[:1]))
	ipNs(t, ns, "route", "add", "172.16.0.0/12", "via", "192.0.2.1", "proto", "static")
	if _, err := EnsureRouting(ns, routingDef(t, testRoutes()[:1], testRules()[:1])); err != nil {
		t.Fatal(err)
	}
	before := ipNs(t, ns, "route") + ipNs(t, ns, "rule")
	got, err := ObserveRouting(ns)
	if err != nil {
		t.Fatal(err)
	}
	var undos []Undo
	for _, e := range got.Routes {
		u, err := RemoveRoute(ns, e)
		switch {
		case e.Own() && err != nil:
			t.Errorf("RemoveRoute(%s): %v", e.Text, err)
		case !e.Own() && !strings.Contains(errString(err), "was not added by vserverx; it is left alone"):
			t.Errorf("RemoveRoute of foreign %s: %v", e.Text, err)
		}
		undos = append(undos, u)
	}
	for _, e := range got.Rules {
		u, err := RemoveRule(ns, e)
		if e.Own() != (err == nil) {
			t.Errorf("RemoveRule(%s): %v", e.Text, err)
		}
		undos = append(undos, u)
	}
	mid := ipNs(t, ns, "route") + ipNs(t, ns, "rule")
	if strings.Contains(mid, "proto 73") || !strings.Contains(mid, "172.16.0.0/12 via 192.0.2.1 dev lan proto static") {
		t.Errorf("after removing vserverx's:\n%s", mid)
	}
	for _, u := range undos {
		if err := u(); err != nil {
			t.Fatal(err)
		}
	}
	if after := ipNs(t, ns, "route") + ipNs(t, ns, "rule"); after != before {
		t.Errorf("undo did not restore:\n%s\nwas:\n%s", after, before)
	}
}

// TestAddRouteDevGone: a route through an interface that is gone fails
// naming the route, its line and the interface; nothing is left behind. A
// rule like one someone else added (another protocol) is not a clash: the
// kernel keeps both.
func TestAddRouteDevGone(t *testing.T) {
	nstest.RequireRoot(t)
	warmDir(t)
	ns := setup(t, routingDef(t, nil, nil))
	before := routingOf(t, ns)
	gone := route(9, config.RouteUnicast, "10.0.0.0/8", "", "eth9", config.TableMain, 0)
	_, err := AddRoute(ns, gone)
	mustContain(t, "error", errString(err), "network namespace rt: add route 10.0.0.0/8 dev eth9 (/etc/vservers/.netns/rt/routes line 9): interface eth9:")
	if after := routingOf(t, ns); after != before {
		t.Errorf("the failed run left changes:\n%s\nwas:\n%s", after, before)
	}
	ipNs(t, ns, "rule", "add", "from", "192.0.2.0/24", "lookup", "100", "priority", "1000")
	undo, err := AddRule(ns, testRules()[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(ipNs(t, ns, "rule"), "1000:\tfrom 192.0.2.0/24 lookup 100"); n != 2 {
		t.Errorf("%d rules 1000, want the foreign one and vserverx's", n)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if rules := ipNs(t, ns, "rule"); !strings.Contains(rules, "1000:\tfrom 192.0.2.0/24 lookup 100") || strings.Contains(rules, "proto 73") {
		t.Errorf("undo of vserverx's rule did not leave exactly the foreign one:\n%s", rules)
	}
}

// TestRouteSourceWaitsForDAD: a route whose IPv6 source address is still
// in duplicate address detection is added once the address is usable; one
// whose source failed DAD (the host side holds the same address) is an
// error naming the address, and nothing is added.
func TestRouteSourceWaitsForDAD(t *testing.T) {
	nstest.RequireRoot(t)
	warmDir(t)
	ns := setup(t, routingDef(t, nil, nil))
	ipNs(t, ns, "addr", "add", "2001:db8::20/64", "dev", "lan")
	ok := route(1, config.RouteUnicast, "2001:db8:9::/48", "", "lan", config.TableMain, config.DefaultIPv6Metric)
	ok.Src = netip.MustParseAddr("2001:db8::20")
	if !strings.Contains(ipNs(t, ns, "addr", "show", "lan"), "tentative") {
		t.Log("the address finished DAD before the route: the wait is not exercised")
	}
	if _, err := AddRoute(ns, ok); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "routes", ipNs(t, ns, "-6", "route"), "2001:db8:9::/48 dev lan proto 73 src 2001:db8::20")

	nstest.IP(t, "addr", "add", "2001:db8::30/64", "dev", "rt-h0", "nodad")
	ipNs(t, ns, "addr", "add", "2001:db8::30/64", "dev", "lan")
	bad := route(2, config.RouteUnicast, "2001:db8:8::/48", "", "lan", config.TableMain, config.DefaultIPv6Metric)
	bad.Src = netip.MustParseAddr("2001:db8::30")
	before := routingOf(t, ns)
	_, err := AddRoute(ns, bad)
	mustContain(t, "error", errString(err), "network namespace rt: route 2001:db8:8::/48 dev lan src 2001:db8::30 (/etc/vservers/.netns/rt/routes line 2): source address 2001:db8::30 failed duplicate address detection")
	if after := routingOf(t, ns); after != before {
		t.Errorf("the failed route changed the routing:\n%s\nwas:\n%s", after, before)
	}
}
