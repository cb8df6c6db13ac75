// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"io"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-n", "1,5", "-variants", "4veth,2macvlan", "-j", "1,8"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ns) != 2 || o.ns[1] != 5 || o.variants[0] != (variant{4, config.TypeVeth}) || o.variants[1] != (variant{2, config.TypeMacvlan}) || o.jobs[1] != 8 {
		t.Fatalf("parsed %+v", o)
	}
	if o.rulesetOnly || o.cliOnly {
		t.Fatalf("-ruleset-only, -cli-only set by default: %+v", o)
	}
	if o, err := parseFlags([]string{"-ruleset-only"}, io.Discard); err != nil || !o.rulesetOnly || !o.cliOnly {
		t.Fatalf("-ruleset-only: %+v, %v (it implies -cli-only)", o, err)
	}
	if o, err := parseFlags([]string{"-ready-only"}, io.Discard); err != nil || !o.readyOnly || !o.cliOnly {
		t.Fatalf("-ready-only: %+v, %v (it implies -cli-only)", o, err)
	}
	if o, err := parseFlags([]string{"-startstop-only"}, io.Discard); err != nil || !o.startStopOnly || !o.cliOnly {
		t.Fatalf("-startstop-only: %+v, %v (it implies -cli-only)", o, err)
	}
	if len(o.planGuests) != 3 || o.planGuests[2] != 1000 || len(o.groupSizes) != 3 || o.groupSizes[1] != 12 || o.listGuests != 50 || o.cliReps != 20 {
		t.Fatalf("command-line table defaults: %+v", o)
	}
	for _, c := range []struct{ args, want string }{
		{"-n 1,x", `"x" is not a positive integer`},
		{"-n 0", `"0" is not a positive integer`},
		{"-variants 4vlan", "TYPE macvlan or veth"},
		{"-variants veth", "is not KTYPE"},
		{"-j 4,16", "the first value must be 1"},
		{"-reps 0", "want at least 1"},
		{"-guests 5 -groups 6", "groups <= guests"},
		{"extra", "unexpected arguments: extra"},
		{"-plan-guests 10", "want at least two numbers"},
		{"-plan-guests 100,10", "want ascending numbers of at least 1"},
		{"-group-sizes 1,12", "want ascending numbers of at least 2"},
		{"-cli-reps 0", "-cli-reps 0: want at least 1"},
		{"-list-guests 0", "-list-guests 0: want at least 1"},
		{"-no-cli -cli-only", "leave nothing to measure"},
		{"-no-cli -ruleset-only", "leave nothing to measure"},
		{"-no-cli -startstop-only", "leave nothing to measure"},
	} {
		_, err := parseFlags(strings.Fields(c.args), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error saying %q, got %v", c.args, c.want, err)
		}
	}
}
