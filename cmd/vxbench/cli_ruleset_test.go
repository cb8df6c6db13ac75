// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchRuleset: the ruleset row's ruleset has exactly 50 rules, and
// nft accepts it (checked in a throwaway network namespace of a user
// namespace, when nft is installed and that is allowed).
func TestBenchRuleset(t *testing.T) {
	rs := benchRuleset(rulesetRules)
	if n := strings.Count(rs, " accept\n"); n != rulesetRules {
		t.Fatalf("%d rules, want %d:\n%s", n, rulesetRules, rs)
	}
	if _, err := os.Stat("/usr/sbin/nft"); err != nil {
		t.Skip("nft not installed (apt-get install nftables)")
	}
	file := filepath.Join(t.TempDir(), "rules.nft")
	if err := os.WriteFile(file, []byte(rs), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("unshare", "--user", "--map-root-user", "--net", "/usr/sbin/nft", "-c", "-f", file).CombinedOutput()
	if err != nil {
		t.Fatalf("nft -c -f: %v\n%s", err, out)
	}
}
