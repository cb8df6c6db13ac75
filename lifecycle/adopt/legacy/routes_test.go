// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// TestScriptletRoutes: routes other than plain default routes become
// lines of the routes file, with the device's final name and an ip -6
// default as ::/0; a plain default route stays a gateway.
func TestScriptletRoutes(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{"g/context": "7\n", "g/scripts/pre-start": `
ip netns add g
ip link set eth3 netns g
ip -n g addr add 192.0.2.2/24 dev eth3
ip -n g route add 10.0.0.0/8 via 192.0.2.1 dev eth3 metric 5
ip -6 -n g route add blackhole default table 100
ip netns exec g ip route add 198.51.100.0/24 via 203.0.113.1 dev eth3 onlink
ip -n g route add default via 192.0.2.1
ip -n g link set eth3 name lan
`})
	p, err := ReadScriptlets(dir, "g")
	if err != nil {
		t.Fatal(err)
	}
	files := p.Render()
	want := "10.0.0.0/8 via 192.0.2.1 dev lan metric 5\nblackhole ::/0 table 100\n198.51.100.0/24 via 203.0.113.1 dev lan onlink\n"
	if files["routes"] != want {
		t.Errorf("routes file %q, want %q", files["routes"], want)
	}
	if files["interfaces/0/gateway"] != "192.0.2.1\n" || files["interfaces/0/name"] != "lan\n" {
		t.Errorf("interface files: %q", files)
	}
}

// TestScriptletRules: ip rule add inside the namespace becomes a line of
// the rules file, with the devices' final names, "from all" left out and
// pref read as priority, and an ip -6 rule without prefixes kept IPv6.
func TestScriptletRules(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{"g/context": "7\n", "g/scripts/pre-start": `
ip netns add g
ip link set eth3 netns g
ip -n g addr add 192.0.2.2/24 dev eth3
ip -n g rule add from 192.0.2.0/24 lookup 100 pref 1000
ip netns exec g ip -6 rule add not to 2001:db8::/32 iif eth3 table 200
ip -n g rule add from all fwmark 0x1/0xff lookup main priority 10
ip -6 -n g rule add oif eth3 lookup 300
ip -n g link set eth3 name lan
`})
	p, err := ReadScriptlets(dir, "g")
	if err != nil {
		t.Fatal(err)
	}
	want := "from 192.0.2.0/24 lookup 100 priority 1000\nnot to 2001:db8::/32 iif lan table 200\nfwmark 0x1/0xff lookup main priority 10\nfrom ::/0 oif lan lookup 300\n"
	if got := p.Render()["rules"]; got != want {
		t.Errorf("rules file %q, want %q", got, want)
	}
}

// TestScriptletRuleRefusals: a rule on the host, a word the rules file
// does not know and a device that is not in the namespace are refused
// with the line.
func TestScriptletRuleRefusals(t *testing.T) {
	cases := []struct{ line, want string }{
		{"ip rule add from 192.0.2.0/24 lookup 100", "pre-start:3: cannot adopt: adds a policy rule on the host"},
		{"ip -n g rule add from 192.0.2.0/24 goto 5", `pre-start:3: cannot adopt: "ip -n g rule add from 192.0.2.0/24 goto 5": "goto" is not understood (the rules file knows: from, fwmark, iif, lookup, not, oif, priority, table, to)`},
		{"ip -n g rule add oif eth9 lookup 100", "pre-start:3: cannot adopt: device eth9 is not in namespace g"},
		{"ip -n g rule del from 192.0.2.0/24 lookup 100", "pre-start:3:"},
	}
	for _, c := range cases {
		dir := configtest.Confdir(t, map[string]string{"g/context": "7\n", "g/scripts/pre-start": "ip netns add g\nip link set eth3 netns g\n" + c.line + "\n"})
		_, err := ReadScriptlets(dir, "g")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.line, err, c.want)
		}
	}
}
