// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// routedDef is diffDef with a route through eth0 and a rule.
func routedDef() *config.Namespace {
	def := diffDef()
	def.Routes = []config.Route{{File: "/c/.netns/x/routes", Line: 2, Type: config.RouteUnicast,
		Dst: netip.MustParsePrefix("10.0.0.0/8"), Via: netip.MustParseAddr("192.0.2.1"), Table: config.TableMain}}
	def.Rules = []config.Rule{{File: "/c/.netns/x/rules", Line: 1, From: netip.MustParsePrefix("192.0.2.0/24"), Table: 100}}
	return def
}

// routedHeld is matching() with routedDef's route and rule (vserverx's),
// the gateway's default route (vserverx's), and a route and a rule
// someone else added.
func routedHeld() held {
	h := matching()
	h.routing = netns.Routing{
		Routes: []netns.RouteEntry{
			{Text: "10.0.0.0/8 via 192.0.2.1 dev eth0", Protocol: netns.RouteProtocol, Type: "unicast", Table: config.TableMain,
				Dst: netip.MustParsePrefix("10.0.0.0/8"), Via: netip.MustParseAddr("192.0.2.1"), Dev: "eth0"},
			{Text: "default via 192.0.2.1 dev eth0", Protocol: netns.RouteProtocol, Type: "unicast", Table: config.TableMain,
				Dst: netip.MustParsePrefix("0.0.0.0/0"), Via: netip.MustParseAddr("192.0.2.1"), Dev: "eth0"},
			{Text: "172.16.0.0/12 via 192.0.2.1 dev eth0 proto static", Protocol: 4, Type: "unicast", Table: config.TableMain,
				Dst: netip.MustParsePrefix("172.16.0.0/12"), Via: netip.MustParseAddr("192.0.2.1"), Dev: "eth0"},
			{Text: "192.0.2.0/24 dev eth0 proto kernel", Protocol: 2, Type: "unicast", Table: config.TableMain,
				Dst: netip.MustParsePrefix("192.0.2.0/24"), Dev: "eth0"},
		},
		Rules: []netns.RuleEntry{
			{Text: "-4 from 192.0.2.0/24 lookup 100 priority 32765 proto vserverx", Protocol: netns.RouteProtocol,
				Rule: config.Rule{From: netip.MustParsePrefix("192.0.2.0/24"), Table: 100, Priority: 32765, HasPriority: true}},
			{Text: "-4 from 172.16.0.0/12 lookup 200 priority 500 proto boot", Protocol: 3,
				Rule: config.Rule{From: netip.MustParsePrefix("172.16.0.0/12"), Table: 200, Priority: 500, HasPriority: true}},
		},
	}
	return h
}

// TestApplyRoutingDiff: apply adds the defined routes and rules X lacks,
// removes vserverx's own that are no longer defined, re-adds those of a
// recreated interface, and leaves the foreign ones, the kernel's and the
// gateway's default route alone.
func TestApplyRoutingDiff(t *testing.T) {
	cases := []struct {
		name   string
		change func(*config.Namespace, *held)
		want   []string
	}{
		{"matches", func(*config.Namespace, *held) {}, nil},
		{"route and rule added", func(d *config.Namespace, _ *held) {
			d.Routes = append(d.Routes, config.Route{File: "/c/.netns/x/routes", Line: 3, Type: config.RouteBlackhole,
				Dst: netip.MustParsePrefix("10.99.0.0/16"), Table: 7})
			d.Rules = append(d.Rules, config.Rule{File: "/c/.netns/x/rules", Line: 2, IPv6: true, Table: 7, Mark: 1, HasMark: true})
		}, []string{
			"add route blackhole 10.99.0.0/16 table 7 (/c/.netns/x/routes line 3)",
			"add rule -6 fwmark 0x1 lookup 7 (/c/.netns/x/rules line 2)",
		}},
		{"route and rule removed", func(d *config.Namespace, _ *held) {
			d.Routes, d.Rules = nil, nil
		}, []string{
			"remove route 10.0.0.0/8 via 192.0.2.1 dev eth0 (not in /c/.netns/x/routes)",
			"remove rule -4 from 192.0.2.0/24 lookup 100 priority 32765 proto vserverx (not in /c/.netns/x/rules)",
		}},
		{"route changed", func(d *config.Namespace, _ *held) {
			d.Routes[0].Metric = 5
		}, []string{
			"remove route 10.0.0.0/8 via 192.0.2.1 dev eth0 (not in /c/.netns/x/routes)",
			"add route 10.0.0.0/8 via 192.0.2.1 metric 5 (table main) (/c/.netns/x/routes line 2)",
		}},
		{"a foreign route in the way stays", func(d *config.Namespace, _ *held) {
			d.Routes[0].Dst = netip.MustParsePrefix("172.16.0.0/12")
		}, []string{
			"remove route 10.0.0.0/8 via 192.0.2.1 dev eth0 (not in /c/.netns/x/routes)",
			"add route 172.16.0.0/12 via 192.0.2.1 (table main) (/c/.netns/x/routes line 2)",
		}},
		{"interface recreated: its route is added again", func(d *config.Namespace, _ *held) {
			d.Interfaces[0].Mode = config.ModePrivate
		}, []string{
			"RECREATE recreate interface 0 (/c/.netns/x/interfaces/0): macvlan (mode private) on eth0, named eth0 inside / macvlan mode is bridge, defined private (/c/.netns/x/interfaces/0/mode)",
			"add route 10.0.0.0/8 via 192.0.2.1 (table main) (/c/.netns/x/routes line 2)",
		}},
		{"a default route of the routes file is not the gateway's to remove", func(d *config.Namespace, h *held) {
			d.Routes = append(d.Routes, config.Route{File: "/c/.netns/x/routes", Line: 4, Type: config.RouteUnicast,
				Dst: netip.MustParsePrefix("0.0.0.0/0"), Via: netip.MustParseAddr("192.0.2.2"), Table: config.TableMain, Metric: 100})
			h.links[0].Defaults = append(h.links[0].Defaults, netns.ObservedRoute{Gateway: netip.MustParseAddr("192.0.2.2"), Configured: true})
			h.routing.Routes = append(h.routing.Routes, netns.RouteEntry{Protocol: netns.RouteProtocol, Type: "unicast", Table: config.TableMain,
				Dst: netip.MustParsePrefix("0.0.0.0/0"), Via: netip.MustParseAddr("192.0.2.2"), Dev: "eth0", Metric: 100})
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def, h := routedDef(), routedHeld()
			c.change(def, &h)
			got := titles(def, nil, h)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("steps:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}
