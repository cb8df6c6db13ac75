// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"net"
	"testing"

	"github.com/vserverx/vserverx/config"
)

func TestAliasRoundTrip(t *testing.T) {
	for _, c := range []struct {
		ns   string
		num  int
		phys *physRecord
	}{
		{"fw", 0, nil},
		{"a:b:7", 255, nil},  // X may contain ':' and digits
		{"x:orig=y", 3, nil}, // and even something that looks like a key
		{"dmz", 2, &physRecord{OrigName: "eth1", MTU: 9000, Up: true}},
		{"dmz:1", 12, &physRecord{OrigName: "enp3s0", MTU: 1500, MAC: net.HardwareAddr{0, 1, 2, 3, 4, 5}, OrigAlias: "uplink: rack 4"}},
	} {
		alias := formatAlias(c.ns, c.num, c.phys)
		if c.phys == nil && alias != (&config.Namespace{Name: c.ns}).Alias(c.num) {
			t.Errorf("formatAlias(%q, %d) = %q, want config's alias", c.ns, c.num, alias)
		}
		tag, ok := parseAlias(alias)
		if !ok || tag.NS != c.ns || tag.Num != c.num {
			t.Errorf("parseAlias(%q) = %+v, %v; want ns %q num %d", alias, tag, ok, c.ns, c.num)
			continue
		}
		if (tag.Phys == nil) != (c.phys == nil) {
			t.Errorf("parseAlias(%q): phys %+v, want %+v", alias, tag.Phys, c.phys)
			continue
		}
		if p := tag.Phys; p != nil && (p.OrigName != c.phys.OrigName || p.MTU != c.phys.MTU || p.Up != c.phys.Up ||
			p.MAC.String() != c.phys.MAC.String() || p.OrigAlias != c.phys.OrigAlias) {
			t.Errorf("parseAlias(%q): phys %+v, want %+v", alias, *p, *c.phys)
		}
	}
}

func TestAliasRejectsForeign(t *testing.T) {
	for _, a := range []string{"", "uplink", "vserverx:", "vserverx:fw", "vserverx::0", "vserverx:fw:x",
		"vserverx:fw:256", "vserverx:fw:-1", "vserverx:fw:01", "Vserverx:fw:0", "vserverx:fw:0:orig=", "vserverx:fw:0:orig=e:mtu=x"} {
		if tag, ok := parseAlias(a); ok {
			t.Errorf("parseAlias(%q) = %+v, want not vserverx's", a, tag)
		}
	}
}
