// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
)

func TestParseBootOutput(t *testing.T) {
	out := "vs000 started 0.2s\nvs001 started 0.3s\nstarted 2 of 2 guests\n"
	sum, err := parseBootOutput(out, 2)
	if err != nil || sum != 500*time.Millisecond {
		t.Fatalf("got %v, %v", sum, err)
	}
	if _, err := parseBootOutput("vs000 started 0.2s\nvs001 FAILED 0.1s: boom\n", 2); err == nil || !strings.Contains(err.Error(), "1 of 2 guests") {
		t.Fatalf("a failed guest: got %v", err)
	}
}

func TestBootConfdir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	names, err := bootConfdir(dir, 200, 20)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := loadTree(config.Paths{ConfDir: dir, NetnsDir: "/run/netns", StateDir: "/run/vserverx"})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 200 || len(tree.Guests()) != 200 || len(tree.Groups()) != 20 {
		t.Fatalf("want 200 guests in 20 groups, have %d (%d loaded), %d", len(names), len(tree.Guests()), len(tree.Groups()))
	}
	for _, g := range tree.Groups() {
		if len(g.Members) != 10 || len(g.NS.Interfaces) != 1 || g.NS.Interfaces[0].Type != config.TypeMacvlan {
			t.Fatalf("group %s: %d members, interfaces %+v", g.NS.Name, len(g.Members), g.NS.Interfaces)
		}
	}
	if g, _ := tree.Guest("vs021"); g.SharedNetns() != "grp01" {
		t.Fatalf("vs021 shares %q, want grp01", g.SharedNetns())
	}
}
