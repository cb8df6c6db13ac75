// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"path/filepath"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
)

// nftScriptlet creates X, moves a VLAN in and loads a ruleset with nft
// inside X; rules names the ruleset file.
func nftScriptlet(load string) string {
	return "#!/bin/sh\nip netns add fw\nip link add link eth0 name vlan2 type vlan id 2\nip link set vlan2 netns fw\n" + load + "\n"
}

// TestNftRulesetAdopted: `ip netns exec X nft -f FILE` makes FILE's content
// X's ruleset (.netns/X/nftables), said to come from that line; the
// scriptlet is moved aside with the rest.
func TestNftRulesetAdopted(t *testing.T) {
	rules := "table inet filter {\n\tchain forward { type filter hook forward priority 0; policy drop; }\n}\n"
	dir := configtest.Confdir(t, map[string]string{"fw/context": "42\n", "rules.nft": rules})
	file := filepath.Join(dir, "rules.nft")
	configtest.WriteFiles(t, dir, map[string]string{"fw/scripts/pre-start": nftScriptlet("ip netns exec fw nft -f " + file)})
	p, err := ReadScriptlets(dir, "fw")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Render()[config.NSNftables]; got != rules {
		t.Errorf("rendered nftables %q, want the file's content %q", got, rules)
	}
	if want := dir + "/fw/scripts/pre-start:5 (nft -f " + file + ")"; p.NftablesFrom != want {
		t.Errorf("NftablesFrom %q, want %q", p.NftablesFrom, want)
	}
	if len(p.Sources) != 1 || p.Sources[0] != dir+"/fw/scripts/pre-start" {
		t.Errorf("sources %q, want the scriptlet", p.Sources)
	}
	if _, ok := (&Proposal{NS: "fw"}).Render()[config.NSNftables]; ok {
		t.Error("a proposal without a ruleset renders an nftables file")
	}
}

// TestNftRefusals: iptables-restore inside X is refused with a hint to
// translate the rules; nft other than -f FILE, a relative or unreadable
// file, and a second ruleset are refused, each naming file and line.
func TestNftRefusals(t *testing.T) {
	for _, tc := range []struct{ load, msg string }{
		{"ip netns exec fw iptables-restore < /etc/iptables/rules.v4", "iptables-restore-translate"},
		{"ip netns exec fw /usr/sbin/ip6tables-legacy-restore /etc/iptables/rules.v6", "ip6tables-restore-translate"},
		{"ip netns exec fw nft add rule inet filter input accept", "only nft -f FILE"},
		{"ip netns exec fw nft -f rules.nft", "must be an absolute path"},
		{"ip netns exec fw nft -f /nonexistent/rules.nft", "cannot be read"},
		{"ip netns exec fw nft -f /dev/null\nip netns exec fw nft -f /dev/null", "a second nftables ruleset"},
		{"ip netns exec fw tc qdisc add dev lo root noqueue", "only ip commands and nft -f FILE"},
	} {
		dir := configtest.Confdir(t, map[string]string{"fw/context": "42\n", "fw/scripts/pre-start": nftScriptlet(tc.load)})
		_, err := ReadScriptlets(dir, "fw")
		line := 5
		if tc.msg == "a second nftables ruleset" {
			line = 6
		}
		wantRefusal(t, err, dir, "fw/scripts/pre-start", line, tc.msg)
	}
}
