// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// TestFindNft: --nft must name an executable file; without it the
// default path is taken, else nft in PATH; when neither is there, the
// error names what was tried and the Debian package to install.
func TestFindNft(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "nft")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := findNft(exe, "/nonexistent/nft"); p != exe || err != nil {
		t.Errorf("explicit: %q, %v", p, err)
	}
	if _, err := findNft(plain, exe); !errors.Is(err, ErrNftNotFound) || !strings.Contains(err.Error(), plain+" is not an executable file (named by --nft)") {
		t.Errorf("explicit non-executable: %v", err)
	}
	if p, err := findNft("", exe); p != exe || err != nil {
		t.Errorf("default: %q, %v", p, err)
	}
	t.Setenv("PATH", dir)
	if p, err := findNft("", "/nonexistent/nft"); p != exe || err != nil {
		t.Errorf("from PATH: %q, %v", p, err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err := findNft("", "/nonexistent/nft")
	if !errors.Is(err, ErrNftNotFound) || !strings.Contains(err.Error(), "tried /nonexistent/nft and PATH") ||
		!strings.Contains(err.Error(), "install Debian's nftables package (apt-get install nftables)") {
		t.Errorf("not found: %v", err)
	}
}

// TestNeedNft: nft is needed only for a namespace with a ruleset.
func TestNeedNft(t *testing.T) {
	e := &Env{NftErr: errors.New("nft missing here")}
	if err := e.needNft(&config.Namespace{Name: "x"}); err != nil {
		t.Errorf("no ruleset, no nft: %v", err)
	}
	err := e.needNft(&config.Namespace{Name: "x", Nftables: "/c/.netns/x/nftables"})
	if err == nil || !strings.Contains(err.Error(), "namespace x has a ruleset /c/.netns/x/nftables: nft missing here") {
		t.Errorf("ruleset without nft: %v", err)
	}
}

// TestLoadInput: the file is included after a flush, so that loading it
// twice replaces the ruleset instead of adding to it.
func TestLoadInput(t *testing.T) {
	if got, want := loadInput("/c/.netns/x/nftables"), "flush ruleset\ninclude \"/c/.netns/x/nftables\"\n"; got != want {
		t.Errorf("loadInput = %q, want %q", got, want)
	}
}

// TestNftMessage: nft's message loses the line about vserverx's include
// and keeps the file, line and column.
func TestNftMessage(t *testing.T) {
	in := "In file included from /dev/stdin:2:1-30:\n/c/nftables:3:21-21: Error: syntax error, unexpected newline\n  tcp dport 22 acept\n                    ^\n"
	got := nftMessage(in)
	if strings.Contains(got, "/dev/stdin") || !strings.Contains(got, "  /c/nftables:3:21-21: Error: syntax error") {
		t.Errorf("nftMessage = %q", got)
	}
}

// TestRulesetRecord: the record is written 0600 into the state directory,
// read back, restored and forgotten; a damaged one is an error naming it.
func TestRulesetRecord(t *testing.T) {
	e := &Env{Paths: config.Paths{StateDir: filepath.Join(t.TempDir(), "state")}}
	r := rulesetRecord{File: "/c/.netns/x/nftables", FileSum: "aa", Loaded: "bb"}
	if err := e.writeRecord("x", r); err != nil {
		t.Fatal(err)
	}
	path := recordPath(e.Paths.StateDir, "x")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("record %s: %v %v", path, fi, err)
	}
	got, ok, err := e.readRecord("x")
	if !ok || err != nil || got != r {
		t.Errorf("readRecord = %+v %v %v, want %+v", got, ok, err, r)
	}
	if err := e.restoreRecord("x", r, false); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := e.readRecord("x"); ok || err != nil {
		t.Errorf("after restoring no record: %v %v", ok, err)
	}
	if err := os.WriteFile(path, []byte("junk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.readRecord("x"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("damaged record: %v", err)
	}
	if err := e.forgetRecord("x"); err != nil {
		t.Fatal(err)
	}
	if err := e.forgetRecord("x"); err != nil {
		t.Errorf("forgetting a missing record: %v", err)
	}
}

// TestObserveWithoutRuleset: a namespace with no ruleset and no record
// matches without asking nft (which may be missing).
func TestObserveWithoutRuleset(t *testing.T) {
	e := &Env{Paths: config.Paths{StateDir: t.TempDir()}, NftErr: errors.New("no nft")}
	st, err := e.observeRuleset(context.Background(), nil, &config.Namespace{Name: "x"})
	if err != nil || !st.Matches {
		t.Errorf("observeRuleset = %+v, %v", st, err)
	}
}

// TestRulesetProblemsNoThrowaway: when the throwaway namespace cannot be
// made (here: nft cannot be started at all), a check without root only
// warns that the ruleset was not checked; as root it is an error.
func TestRulesetProblemsNoThrowaway(t *testing.T) {
	e := &Env{Nft: filepath.Join(t.TempDir(), "missing-nft")}
	def := &config.Namespace{Name: "x", Nftables: "/c/.netns/x/nftables"}
	saved := runsAsRoot
	t.Cleanup(func() { runsAsRoot = saved })
	runsAsRoot = func() bool { return false }
	ps := e.RulesetProblems(context.Background(), def)
	if len(ps) != 1 || ps[0].Severity != config.SeverityWarning || !strings.Contains(ps[0].Msg, "not checked: ") || ps[0].File != def.Nftables {
		t.Errorf("without root: %v", ps)
	}
	runsAsRoot = func() bool { return true }
	ps = e.RulesetProblems(context.Background(), def)
	if len(ps) != 1 || ps[0].Severity != config.SeverityError || !strings.Contains(ps[0].Msg, "cannot make a throwaway network namespace") {
		t.Errorf("as root: %v", ps)
	}
}
