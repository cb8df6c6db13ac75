// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// corpusCommands are the commands that act on a guest or on the boot
// selection, run on each broken confdir in this order.
var corpusCommands = [][]string{
	{"GUEST", "setup"},
	{"GUEST", "start"},
	{"GUEST", "restart"},
	{"GUEST", "apply"},
	{"GUEST", "adopt", "--dry-run"},
	{"GUEST", "stop"},
	{"start-all", "--all"},
	{"stop-all", "--all"},
}

// stateRefusals are refusals that are about the host's state, not the
// configuration, so that no check can report them before: apply of a
// group whose namespace does not exist (no member runs).
var stateRefusals = []string{"namespace does not exist"}

// TestCheckCoversRefusals runs every command on every confdir of
// testdata/broken, in a host of its own (eth0 a veth pair): check and
// check-all report the case's problem (its file and words, from the expect
// file); a command that refuses says a problem check reported, in check's
// words, or refuses for the host's state; and a case whose problem is an
// error is refused by at least one command (else check reports what
// nothing refuses).
func TestCheckCoversRefusals(t *testing.T) {
	nstest.RequireRoot(t)
	dirs, err := filepath.Glob(repoPath("testdata/broken/*"))
	if err != nil || len(dirs) < 60 {
		t.Fatalf("want at least 60 broken confdirs, have %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkCorpusCase(t, dir) })
	}
}

func checkCorpusCase(t *testing.T, dir string) {
	h, guest, file, words := corpusHost(t, dir)
	check, all := h.vx(guest, "check"), h.vx("check-all")
	reported := problemLines(check.stdout + all.stdout)
	want := filepath.Join(h.confdir, file) + ": "
	for _, r := range []result{check, all} {
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, words) {
			t.Errorf("check/check-all do not report %s...%s:\n%s", want, words, r)
		}
	}
	refused := false
	for _, args := range corpusCommands {
		args = guestArgs(args, guest)
		r := h.vx(args...)
		if r.code == 0 {
			continue
		}
		refused = true
		if !saysReported(r.stdout+r.stderr, reported) {
			t.Errorf("vserverx %s refuses with what check and check-all did not report:\n%s\ncheck reported:\n%s",
				strings.Join(args, " "), r, strings.Join(reported, "\n"))
		}
	}
	if !refused && isError(reported, want, words) {
		t.Errorf("check reports an error (%s...%s) that no command refuses:\n%s", want, words, check)
	}
}

// isError reports whether the problem line naming file (its "FILE: ") with
// words is an error, not a warning.
func isError(reported []string, file, words string) bool {
	for _, line := range reported {
		if strings.HasPrefix(line, file) && strings.Contains(line, words) {
			return true
		}
	}
	return false
}

// corpusHost is a host whose confdir is a copy of the broken confdir dir
// (without its expect, guest and scope files), every guest with a vdir
// and an fstab; it returns the case's guest and the file and words of its
// expect file.
func corpusHost(t *testing.T, dir string) (h *host, guest, file, words string) {
	h = newHost(t)
	copyTree(t, dir, h.confdir)
	for _, meta := range []string{"expect", "guest", "scope"} {
		os.Remove(filepath.Join(h.confdir, meta))
	}
	h.addFstabs()
	entries, _ := os.ReadDir(h.confdir)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			h.write(e.Name()+"/vdir/.keep", "")
		}
	}
	expect := strings.Split(readFile(t, filepath.Join(dir, "expect")), "\n")
	return h, strings.TrimSpace(readFile(t, filepath.Join(dir, "guest"))), expect[0], expect[1]
}

// guestArgs is args with GUEST replaced by guest.
func guestArgs(args []string, guest string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == "GUEST" {
			out[i] = guest
		}
	}
	return out
}

// saysReported reports whether a refusal's output names one of the
// problems check reported, by its file and in its words (a line "FILE:
// MSG", "warning: " removed), or is a state refusal.
func saysReported(out string, reported []string) bool {
	for _, line := range reported {
		file, msg, _ := strings.Cut(strings.TrimPrefix(line, "warning: "), ": ")
		if strings.Contains(out, file) && strings.Contains(out, msg) {
			return true
		}
	}
	for _, s := range stateRefusals {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}
