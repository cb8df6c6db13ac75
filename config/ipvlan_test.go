// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// TestIPVlan: an ipvlan gets mode l2 and flags bridge by default, the
// configured ones otherwise, and no MAC of its own (not even a generated
// one, so it needs no namespace id).
func TestIPVlan(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{
		"g/spaces/net":                "n\n",
		".netns/n/interfaces/0/type":  "ipvlan\n",
		".netns/n/interfaces/0/link":  "eth0\n",
		".netns/n/interfaces/1/type":  "ipvlan\n",
		".netns/n/interfaces/1/link":  "eth1\n",
		".netns/n/interfaces/1/mode":  "l3s\n",
		".netns/n/interfaces/1/flags": "private\n",
	})
	tree := loadTree(t, root)
	if ps := tree.CheckGroup("n"); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	ifs := tree.Group("n").NS.Interfaces
	for i, want := range []struct {
		mode IPVlanMode
		flag IPVlanFlag
	}{{IPVlanL2, IPVlanBridge}, {IPVlanL3S, IPVlanPrivate}} {
		ifc := ifs[i]
		if ifc.Type != TypeIPVlan || ifc.IPVlanMode != want.mode || ifc.IPVlanFlag != want.flag || ifc.MAC != nil || ifc.MACAuto || ifc.Mode != "" {
			t.Errorf("interface %d: %+v, want mode %s flags %s and no MAC", i, ifc, want.mode, want.flag)
		}
	}
}

// TestIPVlanParentModes: ipvlans on one parent with different modes or
// flags are refused, in one definition and across two, naming both
// interfaces; on different parents they are fine.
func TestIPVlanParentModes(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{
		"a/spaces/net": "a\n", "b/spaces/net": "b\n",
		".netns/a/interfaces/0/type": "ipvlan\n", ".netns/a/interfaces/0/link": "eth0\n",
		".netns/a/interfaces/1/type": "ipvlan\n", ".netns/a/interfaces/1/link": "eth1\n", ".netns/a/interfaces/1/mode": "l3\n",
		".netns/b/interfaces/0/type": "ipvlan\n", ".netns/b/interfaces/0/link": "eth0\n", ".netns/b/interfaces/0/flags": "vepa\n",
		".netns/b/interfaces/1/type": "ipvlan\n", ".netns/b/interfaces/1/link": "eth1\n", ".netns/b/interfaces/1/mode": "l3\n",
	})
	tree := loadTree(t, root)
	if ps := tree.Check("a"); ps.Err() != nil {
		t.Errorf("group a: %v", ps)
	}
	ps := tree.Check("b")
	want := root + "/.netns/b/interfaces/0/mode: ipvlan mode l2, flags vepa on eth0 differs from mode l2, flags bridge of " + root + "/.netns/a/interfaces/0"
	if len(ps) != 1 || !strings.HasPrefix(ps[0].Error(), want) || !strings.Contains(ps[0].Msg, "one mode and one flags setting per parent") {
		t.Errorf("group b: %v\nwant one problem starting %q", ps, want)
	}
}
