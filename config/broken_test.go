// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBroken loads every confdir under testdata/broken: each has exactly one
// problem, for the guest named in its guest file, naming the file and
// containing the text given in its expect file.
func TestBroken(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "broken", "*"))
	if err != nil || len(dirs) < 25 {
		t.Fatalf("want at least 25 broken confdirs, have %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkBroken(t, dir) })
	}
}

func checkBroken(t *testing.T, dir string) {
	file, substr := readExpect(t, dir)
	guest := readFirstLine(t, filepath.Join(dir, "guest"))
	p := DefaultPaths(nil)
	p.ConfDir = dir
	tree, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if scope(t, dir) == "kernel" {
		t.Skip("what the kernel refuses: tested by cmd/vserverx's TestCheckCoversRefusals, with a host")
	}
	if scope(t, dir) == "check-all" {
		checkBrokenAcross(t, tree, dir, guest, file, substr)
		return
	}
	ps := tree.Check(guest)
	if len(ps) != 1 {
		t.Fatalf("Check(%s): want exactly 1 problem, got %d:\n%v", guest, len(ps), ps)
	}
	if want := filepath.Join(dir, file); ps[0].File != want {
		t.Errorf("problem names %s, want %s (%v)", ps[0].File, want, ps[0])
	}
	if !strings.Contains(ps[0].Msg, substr) {
		t.Errorf("problem %q does not contain %q", ps[0].Msg, substr)
	}
	if all := tree.CheckAll(); !containsProblem(all, ps[0]) {
		t.Errorf("CheckAll misses %v:\n%v", ps[0], all)
	}
}

// scope is what the case's scope file says: "" (a problem of the guest's
// own check), "check-all" (a conflict between namespace definitions,
// reported for each namespace involved by Conflicts) or "kernel" (a value
// the kernel refuses, found on a host).
func scope(t *testing.T, dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "scope")); err != nil {
		return ""
	}
	return readFirstLine(t, filepath.Join(dir, "scope"))
}

// checkBrokenAcross: CheckAll has a problem naming the file with the text,
// and so has Conflicts of the guest's namespace.
func checkBrokenAcross(t *testing.T, tree *Tree, dir, guest, file, substr string) {
	want := filepath.Join(dir, file)
	match := func(p Problem) bool { return p.File == want && strings.Contains(p.Msg, substr) }
	all := tree.CheckAll()
	if !slices.ContainsFunc(all, match) {
		t.Fatalf("CheckAll: no problem naming %s with %q:\n%v", want, substr, all)
	}
	g, err := tree.Guest(guest)
	if err != nil {
		t.Fatal(err)
	}
	if ps := tree.Conflicts(g.SharedNetns()); !slices.ContainsFunc(ps, match) {
		t.Errorf("Conflicts(%s) misses it:\n%v", g.SharedNetns(), ps)
	}
}

func containsProblem(ps Problems, p Problem) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func readExpect(t *testing.T, dir string) (file, substr string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expect"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 2 || lines[0] == "" || lines[1] == "" {
		t.Fatalf("%s/expect: want the file on line 1 and the text on line 2", dir)
	}
	return lines[0], lines[1]
}

func readFirstLine(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ParseValue(data)
}
