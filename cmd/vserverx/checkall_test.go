// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckAll: a clean confdir passes check-all (exit 0); a broken guest
// and a broken definition nobody asked about are both listed with their
// files (exit 1), while `check` of an unrelated guest still passes.
func TestCheckAll(t *testing.T) {
	confdir := t.TempDir()
	copyTree(t, repoPath("testdata/confdirs/dmz"), confdir)
	for _, g := range []string{"web", "mail"} {
		if r := runCLI(t, "--confdir", confdir, g, "setup"); r.code != 0 {
			t.Fatalf("setup %s: %s", g, r)
		}
	}
	if r := runCLI(t, "--confdir", confdir, "check-all"); r.code != 0 || !strings.Contains(r.stdout, "OK") {
		t.Fatalf("check-all of a clean confdir: %s", r)
	}
	write := func(rel, content string) {
		p := filepath.Join(confdir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("broken/context", "lots\n")
	write("broken/spaces/net", "zone\n")
	write(".netns/zone/interfaces/0/type", "tunnel\n")
	write(".netns/zone/id", "7\n")
	r := runCLI(t, "--confdir", confdir, "check-all")
	if r.code != 1 {
		t.Fatalf("check-all with problems: want exit 1: %s", r)
	}
	for _, file := range []string{"broken/context", ".netns/zone/interfaces/0/type"} {
		if !strings.Contains(r.stdout, filepath.Join(confdir, file)+": ") {
			t.Errorf("check-all does not name %s:\n%s", file, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "2 problem(s)") {
		t.Errorf("check-all does not count 2 problems: %s", r)
	}
	if r := runCLI(t, "--confdir", confdir, "web", "check"); r.code != 0 {
		t.Errorf("check of web, unrelated to the broken guest: %s", r)
	}
	if r := runCLI(t, "--confdir", confdir, "check-all", "extra"); r.code != 2 {
		t.Errorf("check-all with an argument: want a usage error: %s", r)
	}
}
