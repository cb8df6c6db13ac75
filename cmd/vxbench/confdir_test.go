// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// loadBench writes and loads a benchmark confdir.
func loadBench(t *testing.T, v variant, n int) *config.Tree {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "conf")
	if err := benchConfdir(dir, v, n); err != nil {
		t.Fatal(err)
	}
	tree, err := loadTree(config.Paths{ConfDir: dir, NetnsDir: "/run/netns", StateDir: "/run/vserverx"})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestBenchConfdirAndSpec(t *testing.T) {
	tree := loadBench(t, variant{2, config.TypeVeth}, 3)
	if len(tree.Guests()) != 3 || len(tree.Groups()) != 3 {
		t.Fatalf("want 3 guests in 3 groups, have %d, %d", len(tree.Guests()), len(tree.Groups()))
	}
	var b strings.Builder
	if err := writeSpec(&b, tree.Group("ns2").NS, 2); err != nil {
		t.Fatal(err)
	}
	want := "ns ns2\n" +
		"veth ns2 b2-0 eth0 02:00:00:00:66:00 vx-ns2-0 06:00:00:00:66:00\n" +
		"veth ns2 b2-1 eth1 02:00:00:00:66:01 vx-ns2-1 06:00:00:00:66:01\n"
	if b.String() != want {
		t.Fatalf("spec:\n%s\nwant:\n%s", b.String(), want)
	}
	tree = loadBench(t, variant{1, config.TypeMacvlan}, 1)
	s, err := newScriptlet("/repo", tree, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.spec != "ns ns0\nmacvlan ns0 b0-0 eth0 eth0 02:00:00:00:64:00\n" || s.script != "/repo/testdata/bench/ip-scriptlet.sh" {
		t.Fatalf("scriptlet %+v", s)
	}
	if _, err := newScriptlet("/repo", tree, 2); err == nil || !strings.Contains(err.Error(), "no managed namespace ns1") {
		t.Fatalf("more namespaces than the confdir has: got %v", err)
	}
}

func TestBenchConfdirErrors(t *testing.T) {
	if err := benchConfdir(t.TempDir(), variant{1, config.TypePhys}, 1); err == nil || !strings.Contains(err.Error(), "only macvlan and veth") {
		t.Fatalf("phys variant: got %v", err)
	}
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := benchConfdir(blocker, variant{1, config.TypeVeth}, 1); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Fatalf("confdir below a file: got %v", err)
	}
	def := &config.Namespace{Name: "x", Interfaces: []config.Interface{{Num: 0, Dir: "/c/.netns/x/interfaces/0", Type: config.TypeVLAN}}}
	var b strings.Builder
	if err := writeSpec(&b, def, 0); err == nil || !strings.Contains(err.Error(), "/c/.netns/x/interfaces/0/type: the scriptlet knows macvlan and veth, not vlan") {
		t.Fatalf("vlan interface: got %v", err)
	}
}
