// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// routingNS loads namespace r with two interfaces (lan 192.0.2.10/24 and
// 2001:db8::10/64, wan 198.51.100.2/30) and the given routes and rules
// files ("" leaves a file out).
func routingNS(t *testing.T, routes, rules string) (*Namespace, Problems, string) {
	t.Helper()
	files := map[string]string{
		"g/spaces/net":                  "r\n",
		".netns/r/id":                   "7\n",
		".netns/r/interfaces/0/type":    "veth\n",
		".netns/r/interfaces/0/name":    "lan\n",
		".netns/r/interfaces/0/ip":      "192.0.2.10/24\n2001:db8::10/64\n",
		".netns/r/interfaces/1/type":    "veth\n",
		".netns/r/interfaces/1/name":    "wan\n",
		".netns/r/interfaces/1/ip":      "198.51.100.2/30\n",
		".netns/r/interfaces/1/gateway": "198.51.100.1\n",
	}
	if routes != "" {
		files[".netns/r/routes"] = routes
	}
	if rules != "" {
		files[".netns/r/rules"] = rules
	}
	root := configtest.Confdir(t, files)
	tree := loadTree(t, root)
	grp := tree.Group("r")
	if grp == nil {
		t.Fatal("no group r")
	}
	return grp.NS, tree.CheckGroup("r"), root
}

// TestRoutesParse: every form of a routes line is read into the fields
// and printed back in ip route syntax.
func TestRoutesParse(t *testing.T) {
	routes := `# routes of r
10.0.0.0/8 via 192.0.2.1   # the lab
2001:db8:1::/48 via 2001:db8::1 dev lan metric 10 table 100

default via fe80::1 dev lan table main
192.0.2.128/25 dev lan src 192.0.2.10 mtu 1400 table local
203.0.113.0/24 via 203.0.113.1 onlink dev wan metric 5
blackhole 10.99.0.0/16
unreachable 2001:db8:dead::/48 table 7
prohibit default table 0x10
198.51.100.77 via 198.51.100.1
`
	ns, probs, _ := routingNS(t, routes, "")
	if probs.Err() != nil {
		t.Fatalf("problems: %v", probs)
	}
	want := []string{
		"10.0.0.0/8 via 192.0.2.1",
		"2001:db8:1::/48 via 2001:db8::1 dev lan table 100 metric 10",
		"default via fe80::1 dev lan",
		"192.0.2.128/25 dev lan table local src 192.0.2.10 mtu 1400",
		"203.0.113.0/24 via 203.0.113.1 dev wan metric 5 onlink",
		"blackhole 10.99.0.0/16",
		"unreachable 2001:db8:dead::/48 table 7",
		"prohibit default table 16",
		"198.51.100.77/32 via 198.51.100.1",
	}
	if len(ns.Routes) != len(want) {
		t.Fatalf("%d routes, want %d: %v", len(ns.Routes), len(want), ns.Routes)
	}
	for i, r := range ns.Routes {
		if r.String() != want[i] {
			t.Errorf("route %d: %q, want %q", i, r.String(), want[i])
		}
	}
	if r := ns.Routes[2]; !r.IPv6() || r.Metric != DefaultIPv6Metric || r.Table != TableMain || r.Line != 5 {
		t.Errorf("IPv6 default: %+v", r)
	}
	if r := ns.Routes[0]; r.IPv6() || r.Metric != 0 || r.Line != 2 || r.Type != RouteUnicast {
		t.Errorf("first route: %+v", r)
	}
}

// TestRulesParse: rules with and without prefixes; one without from and
// to gives a rule of each family.
func TestRulesParse(t *testing.T) {
	rules := `from 192.0.2.0/24 lookup 100 priority 1000
not to 2001:db8:1::/48 table main
fwmark 0x10/0xff iif lo lookup 200   # both families
from all to 10.0.0.0/8 oif wan lookup default priority 5
`
	ns, probs, _ := routingNS(t, "", rules)
	if probs.Err() != nil {
		t.Fatalf("problems: %v", probs)
	}
	want := []string{
		"-4 from 192.0.2.0/24 lookup 100 priority 1000",
		"-6 not to 2001:db8:1::/48 lookup main",
		"-4 iif lo fwmark 0x10/0xff lookup 200",
		"-6 iif lo fwmark 0x10/0xff lookup 200",
		"-4 to 10.0.0.0/8 oif wan lookup default priority 5",
	}
	if len(ns.Rules) != len(want) {
		t.Fatalf("%d rules, want %d: %v", len(ns.Rules), len(want), ns.Rules)
	}
	for i, r := range ns.Rules {
		if r.String() != want[i] {
			t.Errorf("rule %d: %q, want %q", i, r.String(), want[i])
		}
	}
}

// TestRoutingProblems: each mistake is named with the file, the line and
// the word, and says what is allowed.
func TestRoutingProblems(t *testing.T) {
	cases := []struct {
		name, routes, rules string
		file                string // routes or rules
		want                string // the start of the message after "FILE: "
		also                string // a further part of the message
	}{
		{"unknown word", "10.0.0.0/8 via 192.0.2.1 gw 192.0.2.1\n", "", NSRoutes,
			`line 1, word 4 "gw": unknown word`, "allowed here: via, dev, table"},
		{"bad prefix", "# c\n10.0.0.0/33 dev lan\n", "", NSRoutes, `line 2, word 1 "10.0.0.0/33": not a prefix`, "the form is"},
		{"dev not in X", "10.0.0.0/8 dev eth7\n", "", NSRoutes,
			`line 1, word 3 "eth7": dev eth7 is not an interface of namespace r`, "its interfaces are lan, wan and lo"},
		{"via unreachable", "10.0.0.0/8 via 203.0.113.1\n", "", NSRoutes,
			`line 1, word 3 "203.0.113.1": no prefix configured on any interface of namespace r`, "onlink"},
		{"via not on dev", "10.0.0.0/8 via 192.0.2.1 dev wan\n", "", NSRoutes,
			`line 1, word 3 "192.0.2.1": no prefix configured on wan`, "reaches gateway 192.0.2.1"},
		{"link-local via without dev", "default via fe80::1\n", "", NSRoutes,
			`line 1, word 3 "fe80::1": via fe80::1 is link-local`, "dev IF"},
		{"mixed families", "10.0.0.0/8 via 2001:db8::1\n", "", NSRoutes,
			`line 1, word 3 "2001:db8::1": via is IPv6, the destination (word 1) IPv4`, "one address family"},
		{"src not configured", "10.0.0.0/8 dev lan src 192.0.2.99\n", "", NSRoutes,
			`line 1, word 5 "192.0.2.99": src 192.0.2.99 is no address of namespace r`, "interfaces/N/ip"},
		{"duplicate", "10.0.0.0/8 dev lan\n\n10.0.0.0/8 via 198.51.100.1\n", "", NSRoutes,
			"line 3: duplicate: 10.0.0.0/8 via 198.51.100.1 is the same route", "routes line 1"},
		{"clash with gateway", "default via 192.0.2.1\n", "", NSRoutes,
			"line 1: duplicate: default via 192.0.2.1 is the default route of table main", "interfaces/1/gateway"},
		{"twice", "10.0.0.0/8 dev lan dev wan\n", "", NSRoutes, `line 1, word 4 "dev": dev is given twice`, ""},
		{"missing value", "10.0.0.0/8 dev\n", "", NSRoutes, `line 1, word 2 "dev": dev needs a value`, "an interface"},
		{"bad table", "10.0.0.0/8 dev lan table 0\n", "", NSRoutes, `line 1, word 5 "0": not a routing table`, "main, local, default"},
		{"bad metric", "10.0.0.0/8 dev lan metric -1\n", "", NSRoutes, `line 1, word 5 "-1": not a valid metric`, "decimal 0–4294967295"},
		{"bad mtu", "10.0.0.0/8 dev lan mtu 20\n", "", NSRoutes, `line 1, word 5 "20": "20" is not a valid MTU`, "68–65535"},
		{"blackhole with via", "blackhole 10.0.0.0/8 via 192.0.2.1\n", "", NSRoutes,
			`line 1, word 3 "via": unknown word; allowed here: table`, ""},
		{"blackhole alone", "blackhole\n", "", NSRoutes, `line 1, word 1 "blackhole": blackhole needs a destination`, ""},
		{"quote", "10.0.0.0/8 dev 'lan\n", "", NSRoutes, "line 1: cannot be split into words", ""},
		{"rule without table", "", "from 192.0.2.0/24 priority 3\n", NSRules, "line 1: names no table", "lookup T"},
		{"rule unknown word", "", "from 192.0.2.0/24 dport 22 lookup 5\n", NSRules,
			`line 1, word 3 "dport": unknown word`, "allowed here: from, to, iif"},
		{"rule iif not in X", "", "iif eth9 lookup 5\n", NSRules,
			`line 1, word 2 "eth9": iif eth9 is not an interface of namespace r`, "lan, wan and lo"},
		{"rule families", "", "from 192.0.2.0/24 to 2001:db8::/32 lookup 5\n", NSRules,
			`line 1, word 4 "2001:db8::/32": to is IPv6, from (word 2) is IPv4`, ""},
		{"rule bad mark", "", "fwmark 0x1/zz lookup 5\n", NSRules, `line 1, word 2 "0x1/zz": not a firewall mark mask`, ""},
		{"rule duplicate", "", "# x\nfwmark 1 lookup 5\nfwmark 0x1 table 5\n", NSRules,
			"line 3: duplicate: -4 fwmark 0x1 lookup 5 is the same rule as", "rules line 2"},
		{"rule lookup and table", "", "lookup 5 table 6\n", NSRules, `line 1, word 3 "table": lookup and table are the same`, ""},
		{"rule bad priority", "", "lookup 5 priority x\n", NSRules, `line 1, word 4 "x": not a valid priority`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, probs, root := routingNS(t, tc.routes, tc.rules)
			file := filepath.Join(root, ".netns/r", tc.file)
			prefix := file + ": " + tc.want
			for _, p := range probs.Errors() {
				if s := p.Error(); strings.HasPrefix(s, prefix) && strings.Contains(s, tc.also) {
					return
				}
			}
			t.Errorf("no problem %q ... %q among:\n%v", prefix, tc.also, probs)
		})
	}
}

// TestRoutingFilesOptional: a namespace without routes and rules files
// has none, and the two are allowed entries of the definition.
func TestRoutingFilesOptional(t *testing.T) {
	ns, probs, _ := routingNS(t, "", "")
	if probs.Err() != nil || len(ns.Routes) != 0 || len(ns.Rules) != 0 {
		t.Errorf("problems %v, routes %v, rules %v", probs, ns.Routes, ns.Rules)
	}
	ns, probs, _ = routingNS(t, "# nothing yet\n\n", "   \n# none\n")
	if probs.Err() != nil || len(ns.Routes) != 0 || len(ns.Rules) != 0 {
		t.Errorf("comment-only files: problems %v, routes %v, rules %v", probs, ns.Routes, ns.Rules)
	}
}

// TestTableName: names for the three named tables, numbers otherwise.
func TestTableName(t *testing.T) {
	for n, want := range map[int]string{253: "default", 254: "main", 255: "local", 100: "100"} {
		if got := TableName(n); got != want {
			t.Errorf("TableName(%d) = %q, want %q", n, got, want)
		}
		if back, err := ParseTable(want); err != nil || back != n {
			t.Errorf("ParseTable(%q) = %d, %v", want, back, err)
		}
	}
}
