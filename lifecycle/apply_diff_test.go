// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// diffDef is namespace x with one macvlan eth0 on eth0, two addresses, a
// gateway and a sysctl.
func diffDef() *config.Namespace {
	mac, _ := net.ParseMAC("02:00:00:00:07:00")
	return &config.Namespace{Name: "x", Dir: "/c/.netns/x", Interfaces: []config.Interface{{
		Num: 0, Dir: "/c/.netns/x/interfaces/0", Type: config.TypeMacvlan, Link: "eth0", Mode: config.ModeBridge,
		Name: "eth0", MAC: mac, MACAuto: true, MTU: 1500,
		Addrs:    []netip.Prefix{netip.MustParsePrefix("192.0.2.10/24"), netip.MustParsePrefix("2001:db8::10/64")},
		Gateways: []netip.Addr{netip.MustParseAddr("192.0.2.1")},
	}}, Sysctls: []config.Sysctl{{Key: "net.ipv4.ip_forward", Value: "0\n", File: "/c/.netns/x/sysctl/net.ipv4.ip_forward"}}}
}

// matching is what x holds when it matches diffDef, with the kernel's own
// link-local address and a learnt route, which apply never removes.
func matching() held {
	mac, _ := net.ParseMAC("02:00:00:00:07:00")
	return held{links: []netns.ObservedLink{{
		Num: 0, Name: "eth0", Type: config.TypeMacvlan, Parent: "eth0", Mode: config.ModeBridge, MAC: mac, MTU: 1500, Up: true,
		Addr: []netns.ObservedAddr{
			{Prefix: netip.MustParsePrefix("192.0.2.10/24"), Configured: true},
			{Prefix: netip.MustParsePrefix("2001:db8::10/64"), Configured: true},
			{Prefix: netip.MustParsePrefix("fe80::1/64")},
			{Prefix: netip.MustParsePrefix("2001:db8::99/64")}, // autoconfigured
		},
		Defaults: []netns.ObservedRoute{
			{Gateway: netip.MustParseAddr("192.0.2.1"), Configured: true},
			{Gateway: netip.MustParseAddr("fe80::1")}, // learnt
		},
	}}, sysctls: map[string]string{"net.ipv4.ip_forward": "0"}}
}

// titles computes the steps and returns their titles, with recreates
// marked "RECREATE ".
func titles(def *config.Namespace, members []*config.Guest, h held) []string {
	var out []string
	for _, s := range (differ{env: &Env{}, def: def, members: members, held: h}).steps() {
		t := s.Title
		if s.recreate {
			t = "RECREATE " + t + " / " + strings.Join(s.why, "; ")
		}
		out = append(out, t)
	}
	return out
}

func TestApplyDiff(t *testing.T) {
	claimer := &config.Guest{Name: "web", Classic: []config.ClassicInterface{{
		IP: netip.MustParseAddr("192.0.2.20"), Prefix: 24, HasPrefix: true, Dev: "eth0",
		Gateway: netip.MustParseAddr("192.0.2.254")}}}
	cases := []struct {
		name   string
		change func(*config.Namespace, *held)
		want   []string
	}{
		{"matches", func(*config.Namespace, *held) {}, nil},
		{"address added", func(d *config.Namespace, _ *held) {
			d.Interfaces[0].Addrs = append(d.Interfaces[0].Addrs, netip.MustParsePrefix("192.0.2.11/24"))
		}, []string{"interface 0 (eth0): add address 192.0.2.11/24 (/c/.netns/x/interfaces/0/ip)"}},
		{"address removed, a member's and the kernel's kept", func(d *config.Namespace, h *held) {
			d.Interfaces[0].Addrs = d.Interfaces[0].Addrs[:1]
			h.links[0].Addr = append(h.links[0].Addr, netns.ObservedAddr{Prefix: netip.MustParsePrefix("192.0.2.20/24"), Configured: true})
		}, []string{"interface 0 (eth0): remove address 2001:db8::10/64 (not in /c/.netns/x/interfaces/0/ip, not in a member's interfaces/)"}},
		{"prefix length changed", func(d *config.Namespace, _ *held) {
			d.Interfaces[0].Addrs[0] = netip.MustParsePrefix("192.0.2.10/25")
		}, []string{
			"interface 0 (eth0): remove address 192.0.2.10/24 (not in /c/.netns/x/interfaces/0/ip, not in a member's interfaces/)",
			"interface 0 (eth0): add address 192.0.2.10/25 (/c/.netns/x/interfaces/0/ip)",
		}},
		{"gateway changed, a member's kept", func(d *config.Namespace, h *held) {
			d.Interfaces[0].Gateways = []netip.Addr{netip.MustParseAddr("192.0.2.2")}
			h.links[0].Defaults = append(h.links[0].Defaults, netns.ObservedRoute{Gateway: netip.MustParseAddr("192.0.2.254"), Configured: true})
		}, []string{
			"interface 0 (eth0): remove default route via 192.0.2.1 (not in /c/.netns/x/interfaces/0/gateway)",
			"interface 0 (eth0): add default route via 192.0.2.2 (/c/.netns/x/interfaces/0/gateway)",
		}},
		{"MTU and down", func(d *config.Namespace, h *held) {
			d.Interfaces[0].MTU = 1400
			h.links[0].Up = false
		}, []string{"interface 0 (eth0): set MTU 1400 (now 1500; /c/.netns/x/interfaces/0/mtu); set UP (now DOWN)"}},
		{"interface added and one removed", func(d *config.Namespace, h *held) {
			d.Interfaces[0].Num, d.Interfaces[0].Dir = 1, "/c/.netns/x/interfaces/1"
		}, []string{
			"remove interface 0 (eth0, macvlan): /c/.netns/x/interfaces/0 no longer exists",
			"create interface 1 (/c/.netns/x/interfaces/1): macvlan (mode bridge) on eth0, named eth0 inside",
		}},
		{"mode, name and MAC need a recreate", func(d *config.Namespace, _ *held) {
			d.Interfaces[0].Mode, d.Interfaces[0].Name = config.ModePrivate, "lan"
			d.Interfaces[0].MAC, _ = net.ParseMAC("02:00:00:00:08:00")
		}, []string{"RECREATE recreate interface 0 (/c/.netns/x/interfaces/0): macvlan (mode private) on eth0, named lan inside / " +
			"name is eth0, defined lan (/c/.netns/x/interfaces/0/name); macvlan mode is bridge, defined private (/c/.netns/x/interfaces/0/mode); " +
			"MAC is 02:00:00:00:07:00, defined 02:00:00:00:08:00 (/c/.netns/x/interfaces/0/mac)"}},
		{"type needs a recreate", func(d *config.Namespace, _ *held) {
			d.Interfaces[0].Type, d.Interfaces[0].VLAN = config.TypeVLAN, 2
		}, []string{"RECREATE recreate interface 0 (/c/.netns/x/interfaces/0): vlan 2 on eth0, named eth0 inside / type is macvlan, defined vlan (/c/.netns/x/interfaces/0/type)"}},
		{"sysctl changed and added", func(d *config.Namespace, h *held) {
			d.Sysctls[0].Value = "1\n"
			d.Sysctls = append(d.Sysctls, config.Sysctl{Key: "net.ipv4.conf.all.arp_ignore", Value: "1", File: "f"})
			h.sysctls["net.ipv4.conf.all.arp_ignore"] = "1"
		}, []string{"apply 1 sysctl setting(s) inside x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def, h := diffDef(), matching()
			c.change(def, &h)
			got := titles(def, []*config.Guest{claimer}, h)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("steps:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// TestApplyPlanPrint: the plan is printed in plan's numbered form; an
// empty one says there is nothing to do.
func TestApplyPlanPrint(t *testing.T) {
	def := diffDef()
	def.Sysctls[0].Value = "1"
	d := differ{env: &Env{}, def: def, held: matching()}
	p := &ApplyPlan{NS: "x", Group: []string{"a", "b"}, Lock: "/run/vserverx/x.lock", steps: d.steps()}
	var b strings.Builder
	p.Print(&b)
	want := "Apply: namespace x (group x: a, b): 1 change(s), made under the lock /run/vserverx/x.lock\n" +
		" 1. apply 1 sysctl setting(s) inside x\n" +
		"      net.ipv4.ip_forward = 1 (now 0; /c/.netns/x/sysctl/net.ipv4.ip_forward)\n" +
		"On failure: undo the changes made so far, in reverse order. The guests keep running.\n"
	if b.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	(&ApplyPlan{NS: "x", Group: []string{"a"}}).Print(&b)
	if got := b.String(); got != "Apply: namespace x (group x: a) matches its definition: nothing to do\n" {
		t.Errorf("empty plan printed %q", got)
	}
}
