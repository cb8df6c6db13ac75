// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"reflect"
	"testing"
)

// TestLinkAliasRoundTrip: what String writes, ParseLinkAlias reads back,
// fields in order; X may contain ':' and digits.
func TestLinkAliasRoundTrip(t *testing.T) {
	for _, a := range []LinkAlias{
		{NS: "fw", Num: 0},
		{NS: "a:b:7", Num: 255},
		{NS: "dmz", Num: 2, Fields: []AliasField{{Key: "orig", Value: "eth1"}, {Key: "mtu", Value: "9000"}}},
	} {
		s := a.String()
		got, ok := ParseLinkAlias(s, "orig", "mtu")
		if !ok || !reflect.DeepEqual(got, a) {
			t.Errorf("ParseLinkAlias(%q) = %+v, %v; want %+v", s, got, ok, a)
		}
	}
	if got := (&Namespace{Name: "fw"}).Alias(3); got != "vserverx:fw:3" {
		t.Errorf("Namespace.Alias = %q, want vserverx:fw:3", got)
	}
}

// TestParseLinkAliasKeys: only fields with a given key are fields; another
// key=value field ends the alias where N is expected, so it is not one.
func TestParseLinkAliasKeys(t *testing.T) {
	if _, ok := ParseLinkAlias("vserverx:fw:0:zzz=1", "orig"); ok {
		t.Error("an unknown key=value field after N was accepted")
	}
	a, ok := ParseLinkAlias("vserverx:x:orig=y:3", "orig")
	if !ok || a.NS != "x:orig=y" || a.Num != 3 || a.Fields != nil {
		t.Errorf("a key=value part of X: got %+v, %v; want X x:orig=y, N 3, no fields", a, ok)
	}
}

// TestParseLinkAliasRejects: other aliases are not vserverx's.
func TestParseLinkAliasRejects(t *testing.T) {
	for _, s := range []string{"", "uplink", "vserverx:", "vserverx:fw", "vserverx::0", "vserverx:fw:x",
		"vserverx:fw:256", "vserverx:fw:-1", "vserverx:fw:01", "vserverx:fw:+1", "Vserverx:fw:0", "vserverx:orig=e"} {
		if a, ok := ParseLinkAlias(s, "orig"); ok {
			t.Errorf("ParseLinkAlias(%q) = %+v, want not vserverx's", s, a)
		}
	}
}
