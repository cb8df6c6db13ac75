// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckAll: a clean confdir passes check-all (exit 0); a broken guest
// and a broken definition nobody asked about are both listed with their
// files (exit 1), while `check` of an unrelated guest still passes.
func TestCheckAll(t *testing.T) {
	hostEth0(t)
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
	// 2 problems in the files, 3 because broken was never set up.
	if !strings.Contains(r.stderr, "5 problem(s)") {
		t.Errorf("check-all does not count 5 problems: %s", r)
	}
	if r := runCLI(t, "--confdir", confdir, "web", "check"); r.code != 0 {
		t.Errorf("check of web, unrelated to the broken guest: %s", r)
	}
	if r := runCLI(t, "--confdir", confdir, "check-all", "extra"); r.code != 2 {
		t.Errorf("check-all with an argument: want a usage error: %s", r)
	}
}

// TestCheckAllIsUnionOfChecks: check-all reports every line each guest's
// check reports (a guest never set up, a warning), and nothing else but
// what spans the confdir; --strict turns warnings into exit 7 and --json
// gives each problem with file, severity and message.
func TestCheckAllIsUnionOfChecks(t *testing.T) {
	hostEth0(t)
	confdir := t.TempDir()
	copyTree(t, repoPath("testdata/confdirs/dmz"), confdir)
	if r := runCLI(t, "--confdir", confdir, "web", "setup"); r.code != 0 {
		t.Fatalf("setup web: %s", r)
	}
	// mail is never set up; web gets a warning (its own interfaces/ adds
	// an address the namespace definition configures too).
	if err := os.WriteFile(filepath.Join(confdir, "web/interfaces/0/ip"), []byte("192.0.2.10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	all := runCLI(t, "--confdir", confdir, "check-all")
	union := map[string]bool{}
	for _, g := range []string{"web", "mail"} {
		r := runCLI(t, "--confdir", confdir, g, "check")
		for _, line := range problemLines(r.stdout) {
			union[line] = true
			if !strings.Contains(all.stdout, line+"\n") {
				t.Errorf("%s check reports %q; check-all does not:\n%s", g, line, all.stdout)
			}
		}
	}
	for _, line := range problemLines(all.stdout) {
		if !union[line] {
			t.Errorf("check-all reports %q, which no guest's check does (and it spans no definitions)", line)
		}
	}
	if len(union) == 0 || all.code != 1 || !strings.Contains(all.stdout, "mail/scripts/prepre-start.d/vserverx: ") {
		t.Fatalf("want the setup problems of mail and exit 1: %s", all)
	}
	if r := runCLI(t, "--confdir", confdir, "mail", "setup"); r.code != 0 {
		t.Fatalf("setup mail: %s", r)
	}
	r := runCLI(t, "--confdir", confdir, "check-all")
	if r.code != 0 || !strings.Contains(r.stdout, "warning: ") {
		t.Fatalf("want a warning and exit 0: %s", r)
	}
	strict := runCLI(t, "--confdir", confdir, "check-all", "--strict")
	if strict.code != 7 || !strings.Contains(strict.stderr, "1 warning(s) found (--strict)") {
		t.Errorf("check-all --strict with a warning: want exit 7 and the count: %s", strict)
	}
	if g := runCLI(t, "--confdir", confdir, "web", "check", "--strict"); g.code != 7 {
		t.Errorf("web check --strict with a warning: want exit 7: %s", g)
	}
	if g := runCLI(t, "--confdir", confdir, "mail", "check", "--strict"); g.code != 0 {
		t.Errorf("mail check --strict without a warning: want exit 0: %s", g)
	}
	j := runCLI(t, "--confdir", confdir, "check-all", "--json")
	var got []struct{ File, Severity, Message string }
	if err := json.Unmarshal([]byte(j.stdout), &got); err != nil || j.code != 0 || len(got) != 1 {
		t.Fatalf("check-all --json: %v: %s", err, j)
	}
	if w := got[0]; w.Severity != "warning" || w.File == "" || !strings.HasPrefix(w.File, confdir) || !strings.Contains(r.stdout, w.File+": "+w.Message) {
		t.Errorf("check-all --json gives %+v; want the warning of the text output with its file:\n%s", w, r.stdout)
	}
}

// problemLines are the lines of check's output that report a problem (not
// the OK line or a hint).
func problemLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "/") || strings.HasPrefix(l, "warning: ") {
			lines = append(lines, l)
		}
	}
	return lines
}
