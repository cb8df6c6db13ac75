// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
)

// loadRendered writes p's rendering as CONFDIR/.netns/X of a fresh confdir
// whose guest p.Guest (context 7) has spaces/net X, and loads it.
func loadRendered(t *testing.T, p *Proposal) *config.Group {
	t.Helper()
	files := map[string]string{p.Guest + "/context": "7\n", p.Guest + "/spaces/net": p.NS + "\n",
		".netns/" + p.NS + "/": ""}
	for rel, content := range p.Render() {
		if !strings.HasSuffix(content, "\n") {
			t.Errorf("%s: %q does not end in a newline", rel, content)
		}
		files[".netns/"+p.NS+"/"+rel] = content
	}
	paths := config.DefaultPaths(nil)
	paths.ConfDir = configtest.Confdir(t, files)
	tree, err := config.Load(paths)
	if err != nil {
		t.Fatal(err)
	}
	if ps := tree.Check(p.Guest); len(ps) != 0 {
		t.Fatalf("the rendering does not load cleanly:\n%v", ps)
	}
	g, _ := tree.Guest(p.Guest)
	return tree.GroupOf(g)
}

// loaded describes the interfaces config.Load read, as summary does.
func loaded(ns *config.Namespace) []string {
	p := &Proposal{}
	for _, i := range ns.Interfaces {
		pi := ProposedInterface{Num: i.Num, Type: i.Type, Link: i.Link, Name: i.Name, Host: i.Host, Bridge: i.Bridge,
			VLAN: i.VLAN, Mode: i.Mode, MTU: i.MTU}
		if !i.MACAuto && i.MAC != nil {
			pi.MAC = i.MAC.String()
		}
		if i.Type == config.TypeMacvlan && i.Mode == config.ModeBridge {
			pi.Mode = ""
		}
		for _, a := range i.Addrs {
			pi.IPs = append(pi.IPs, a.String())
		}
		for _, g := range i.Gateways {
			pi.Gateways = append(pi.Gateways, g.String())
		}
		p.Interfaces = append(p.Interfaces, pi)
	}
	return summary(p)
}

func TestRenderLoads(t *testing.T) {
	p := &Proposal{Guest: "g", NS: "zone", ID: 42, HasID: true, Interfaces: []ProposedInterface{
		{Num: 0, Type: config.TypeVLAN, Link: "eth0", VLAN: 2, Name: "fw-vlan2", IPs: []string{"192.0.2.2/24", "2001:db8::2/64"}, Gateways: []string{"192.0.2.1"}},
		{Num: 1, Type: config.TypeMacvlan, Link: "bond0", Mode: config.ModePrivate, Name: "mv", MAC: "02:00:00:00:00:99", MTU: 1400},
		{Num: 2, Type: config.TypeVeth, Name: "eth2", Host: "vh-zone", Bridge: "br0"},
		{Num: 3, Type: config.TypePhys, Link: "eth3", Name: "lan"},
	}}
	grp := loadRendered(t, p)
	if got, want := loaded(grp.NS), summary(p); !reflect.DeepEqual(got, want) {
		t.Errorf("loaded\n%q\nwant\n%q", got, want)
	}
	if grp.NS.ID != 42 {
		t.Errorf("id %d, want 42", grp.NS.ID)
	}
}

// TestReadersRenderLoads renders what both readers found and loads it.
func TestReadersRenderLoads(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{"fw/context": "42\n", "fw/scripts/pre-start": commonShape,
		"fw/scripts/prepre-start.d/ns": vspaceRewrite})
	p, err := ReadScriptlets(dir, "fw")
	if err != nil {
		t.Fatal(err)
	}
	grp := loadRendered(t, p)
	if got, want := loaded(grp.NS), summary(p); !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %q, want %q", got, want)
	}
	if mac := grp.NS.Interfaces[0].MAC.String(); mac != "02:00:02:00:07:00" {
		t.Errorf("generated MAC %s, want 02:00:02:00:07:00 (VLAN 2, context 7, interface 0)", mac)
	}

	dir = configtest.Confdir(t, map[string]string{"g/context": "7\n", "g/netns/name": "zone\n",
		"g/netns/interfaces/0/": "", "g/netns/interfaces/1/type": "macvlan\n"})
	if p, err = ReadUtilNetns(dir, "g"); err != nil {
		t.Fatal(err)
	}
	grp = loadRendered(t, p)
	if got, want := loaded(grp.NS), []string{"0 geth0 type veth host veth7", "1 geth1 type macvlan link eth0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %q, want %q", got, want)
	}
}

func TestRenderSharedOnly(t *testing.T) {
	if files := (&Proposal{Guest: "g", NS: "zone", SharedOnly: true, HasID: true}).Render(); len(files) != 0 {
		t.Errorf("a shared-only proposal renders %v, want nothing", files)
	}
}

func TestRenderIDOnlyForOtherNames(t *testing.T) {
	if _, ok := (&Proposal{Guest: "g", NS: "g", ID: 7, HasID: true}).Render()[config.NSID]; ok {
		t.Error("id rendered for the guest's own namespace, whose context supplies it")
	}
	if got := (&Proposal{Guest: "g", NS: "zone", ID: 7, HasID: true}).Render()[config.NSID]; got != "7\n" {
		t.Errorf("id = %q, want \"7\\n\"", got)
	}
}

func TestMerge(t *testing.T) {
	a := &Proposal{Guest: "g", NS: "g", NSFrom: "a", Sources: []string{"x"}, Interfaces: []ProposedInterface{
		{Num: 0, Type: config.TypeVeth, Name: "geth0", Host: "veth7", From: "netns/interfaces/0"}}}
	b := &Proposal{Guest: "g", NS: "g", NSFrom: "b", Sources: []string{"x", "y"}, Interfaces: []ProposedInterface{
		{Num: 0, Type: config.TypeVLAN, Link: "eth0", VLAN: 2, Name: "v2", From: "s:1"},
		{Num: 1, Type: config.TypeVeth, Name: "geth0", Host: "veth7", IPs: []string{"10.0.0.2/24"}, From: "interfaces/0"}}}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0 geth0 type veth host veth7 ip 10.0.0.2/24", "1 v2 type vlan link eth0 vlan 2"}
	if got := summary(m); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(m.Sources, []string{"x", "y"}) {
		t.Errorf("merged %q sources %q, want %q and [x y]", got, m.Sources, want)
	}
	if len(a.Interfaces[0].IPs) != 0 {
		t.Error("Merge changed its first argument")
	}

	b.Interfaces[1].Host = "other"
	if _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), "in netns/interfaces/0 but") || !strings.HasSuffix(err.Error(), "host other in interfaces/0") {
		t.Errorf("conflicting interface: error = %v, want both places named", err)
	}
	b.NS = "zone"
	if _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), `a puts guest g in namespace "g", b in namespace "zone"`) {
		t.Errorf("two namespaces: error = %v", err)
	}
}
