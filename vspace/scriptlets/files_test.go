// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// tree writes files under a fresh confdir: content "->T" makes a symbolic
// link to T; mode 0o755 for names ending in "*".
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		mode := os.FileMode(0o644)
		if rel[len(rel)-1] == '*' {
			rel, mode = rel[:len(rel)-1], 0o755
		}
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if len(content) > 2 && content[:2] == "->" {
			err = os.Symlink(content[2:], p)
		} else {
			err = os.WriteFile(p, []byte(content), mode)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFiles: the order of execScriptlets — guest's PHASE, PHASE.d/* in
// byte order, then .defaults when the guest has none for the phase or a
// sourced one sets DONT_SKIP_DEFAULTS; links followed (also a linked .d
// directory), dot files, backups, dangling links and directories skipped.
func TestFiles(t *testing.T) {
	conf := tree(t, map[string]string{
		"g/scripts/pre-start*":            "#!/bin/sh\n",
		"g/scripts/pre-start.d/b":         "x\n",
		"g/scripts/pre-start.d/A":         "x\n",
		"g/scripts/pre-start.d/.hidden":   "x\n",
		"g/scripts/pre-start.d/c.rpmsave": "x\n",
		"g/scripts/pre-start.d/dangling":  "->/nonexistent",
		"g/scripts/pre-start.d/sub/x":     "x\n",
		".defaults/scripts/pre-start":     "skipped: the guest has its own\n",
		"g/scripts/post-stop.d/keep":      "DONT_SKIP_DEFAULTS=1\n",
		".defaults/scripts/post-stop":     "runs too\n",
		".defaults/scripts/initialize":    "runs: the guest has none\n",
		"shared/d/net":                    "x\n",
		"g/scripts/prepre-start.d":        "->../../shared/d",
	})
	files, err := Files(conf, filepath.Join(conf, "g"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		rel, _ := filepath.Rel(conf, f.Path)
		real, _ := filepath.Rel(conf, f.Real)
		s := f.Phase + " " + rel
		if real != rel {
			s += " -> " + real
		}
		if f.Defaults {
			s += " (defaults)"
		}
		if !f.Sourced {
			s += " (exec)"
		}
		got = append(got, s)
	}
	want := []string{
		"initialize .defaults/scripts/initialize (defaults)",
		"prepre-start g/scripts/prepre-start.d/net -> shared/d/net",
		"pre-start g/scripts/pre-start (exec)", "pre-start g/scripts/pre-start.d/A", "pre-start g/scripts/pre-start.d/b",
		"post-stop g/scripts/post-stop.d/keep", "post-stop .defaults/scripts/post-stop (defaults)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// TestFilesUnlistable: a PHASE.d that is not a directory is an *Error
// naming it.
func TestFilesUnlistable(t *testing.T) {
	conf := tree(t, map[string]string{"g/scripts/pre-start.d": "a file\n"})
	_, err := Files(conf, filepath.Join(conf, "g"))
	se, ok := err.(*Error)
	if !ok || se.File != filepath.Join(conf, "g/scripts/pre-start.d") || se.Msg != "cannot list it: not a directory" {
		t.Errorf("Files = %v", err)
	}
}

func TestIsShell(t *testing.T) {
	for _, tc := range []struct {
		sourced bool
		content string
		want    bool
	}{
		{true, "#!/usr/bin/python3\n", true}, {false, "ip netns add x\n", true}, {false, "#!/bin/bash\n", true},
		{false, "#!/usr/bin/env dash\n", true}, {false, "#!/usr/bin/python3\n", false}, {false, "#!/usr/bin/env perl\n", false},
	} {
		if got := IsShell(File{Sourced: tc.sourced}, []byte(tc.content)); got != tc.want {
			t.Errorf("IsShell(sourced %v, %q) = %v", tc.sourced, tc.content, got)
		}
	}
}
