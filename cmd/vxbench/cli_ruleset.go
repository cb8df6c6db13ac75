// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

// rulesetRules is the number of rules in the ruleset row's ruleset.
const rulesetRules = 50

// benchRuleset is an nftables ruleset of rules rules: a default-drop
// forward chain accepting one service per source network, as a firewall
// between zones holds.
func benchRuleset(rules int) string {
	var b strings.Builder
	b.WriteString("flush ruleset\ntable inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n")
	b.WriteString("\t\tct state established,related accept\n")
	for i := 1; i < rules; i++ {
		fmt.Fprintf(&b, "\t\tiifname \"eth0\" ip saddr 10.%d.%d.0/24 tcp dport %d accept\n", i/256, i%256, 1000+i)
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}

// cliRuleset: `vserverx G start` + `stop` of a guest (K=1 macvlan, no-op
// vserver) whose namespace loads a 50-rule nftables ruleset, against the
// same guest without one: what loading the ruleset before the first
// interface costs.
func cliRuleset(o options, w io.Writer) error {
	if _, err := lifecycle.FindNft(""); err != nil {
		fmt.Fprintf(w, "%-44s skipped: %v\n", "start + stop with a ruleset", err)
		return nil
	}
	noop := filepath.Join(cliDir, "noop-vserver")
	if err := writeNoopVserver(noop); err != nil {
		return err
	}
	v := variant{1, config.TypeMacvlan}
	with, err := newRulesetSetting(o, "ruleset-with", v, noop, benchRuleset(rulesetRules))
	if err != nil {
		return fmt.Errorf("ruleset: %w", err)
	}
	without, err := newRulesetSetting(o, "ruleset-without", v, noop, "")
	if err != nil {
		return fmt.Errorf("ruleset: %w", err)
	}
	settle := settleTime(1)
	startStop := func(s *cliSetting) (sample, error) {
		up, down, err := s.startStop(nsName(0))
		time.Sleep(settle)
		return sample{d: up.d + down.d, runs: up.runs + down.runs}, err
	}
	all, err := contestSamples([]contest{
		{"ruleset", func() (sample, error) { return startStop(with) }},
		{"none", func() (sample, error) { return startStop(without) }},
	}, o.cliReps)
	if err != nil {
		return fmt.Errorf("ruleset: %w", err)
	}
	printCLIRow(w, newCLIRow(fmt.Sprintf("start + stop, %s, %d-rule ruleset", v, rulesetRules), "the same without a ruleset", 0, all["ruleset"], all["none"]))
	return nil
}

// newRulesetSetting is the start/stop setting of variant v in cliDir/name,
// with ruleset as the namespace's nftables file ("" for none).
func newRulesetSetting(o options, name string, v variant, noop, ruleset string) (*cliSetting, error) {
	s, _, err := newStartStopSetting(o, filepath.Join(cliDir, name), v, noop)
	if err != nil || ruleset == "" {
		return s, err
	}
	file := filepath.Join(s.conf, config.NetnsDirName, nsName(0), config.NSNftables)
	return s, os.WriteFile(file, []byte(ruleset), 0o644)
}
