// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// TestNftablesFile: .netns/X/nftables is the namespace's ruleset; a
// directory there is a problem naming it.
func TestNftablesFile(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{".netns/a/nftables": "flush ruleset\n", ".netns/b/nftables/": ""})
	tree := loadTree(t, root)
	if ps := tree.CheckGroup("a"); len(ps) != 0 {
		t.Errorf("CheckGroup(a): %v", ps)
	}
	if got, want := tree.Group("a").NS.Nftables, root+"/.netns/a/nftables"; got != want {
		t.Errorf("Nftables = %q, want %q", got, want)
	}
	ps := tree.CheckGroup("b")
	if len(ps) != 1 || ps[0].File != root+"/.netns/b/nftables" || !strings.Contains(ps[0].Msg, "is not a regular file") {
		t.Errorf("CheckGroup(b): %v", ps)
	}
}

// TestUnfilteredForwarding: forwarding on, two interfaces and no ruleset
// is a warning naming the interfaces and the sysctl; a ruleset, one
// interface or forwarding off is not.
func TestUnfilteredForwarding(t *testing.T) {
	two := []Interface{{Name: "a"}, {Name: "b"}}
	fwd := []Sysctl{{Key: "net.ipv4.ip_forward", Value: "1", File: "/c/.netns/x/sysctl/net.ipv4.ip_forward"}}
	p, ok := UnfilteredForwarding(&Namespace{Name: "x", Dir: "/c/.netns/x", Interfaces: two, Sysctls: fwd})
	if !ok || p.Severity != SeverityWarning || p.File != "/c/.netns/x/nftables" ||
		!strings.Contains(p.Msg, "namespace x forwards between a, b unfiltered (net.ipv4.ip_forward is 1 in /c/.netns/x/sysctl/net.ipv4.ip_forward)") {
		t.Errorf("UnfilteredForwarding = %+v, %v", p, ok)
	}
	off := []Sysctl{{Key: "net.ipv4.ip_forward", Value: "0"}}
	for name, ns := range map[string]*Namespace{
		"ruleset":        {Interfaces: two, Sysctls: fwd, Nftables: "/c/.netns/x/nftables"},
		"one interface":  {Interfaces: two[:1], Sysctls: fwd},
		"forwarding off": {Interfaces: two, Sysctls: off},
	} {
		if p, ok := UnfilteredForwarding(ns); ok {
			t.Errorf("%s: warned %v", name, p)
		}
	}
}
