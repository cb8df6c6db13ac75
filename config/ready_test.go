// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadReady reads dad, acd and slaac, their defaults and their errors.
func TestReadReady(t *testing.T) {
	cases := []struct {
		name      string
		files     map[string]string
		dad       DADMode
		acd, slac bool
		problem   string
	}{
		{name: "defaults", dad: DADWait},
		{name: "all set", files: map[string]string{"dad": "optimistic", "acd": "yes", "slaac": "yes"}, dad: DADOptimistic, acd: true, slac: true},
		{name: "off and no", files: map[string]string{"dad": "off", "acd": "no", "slaac": "no"}, dad: DADOff},
		{name: "bad dad", files: map[string]string{"dad": "later"}, dad: DADWait, problem: `dad: unknown dad mode "later"; allowed: wait, optimistic, off`},
		{name: "acd on ipvlan l3", files: map[string]string{"type": "ipvlan", "link": "eth0", "mode": "l3", "acd": "yes"}, dad: DADWait, acd: true, problem: `acd: not possible on an ipvlan in mode l3: it carries no ARP; use mode l2 or acd no`},
		{name: "acd on ipvlan l2", files: map[string]string{"type": "ipvlan", "link": "eth0", "acd": "yes"}, dad: DADWait, acd: true},
		{name: "bad acd", files: map[string]string{"acd": "true"}, dad: DADWait, problem: `acd: must be yes or no, not "true"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), ".netns", "x", "interfaces", "0")
			files := map[string]string{"type": "veth"}
			for k, v := range c.files {
				files[k] = v
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for k, v := range files {
				if err := os.WriteFile(filepath.Join(dir, k), []byte(v+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var probs Problems
			r := reader{probs: &probs}
			ifc := readInterface(r, &Namespace{Name: "x"}, 0, dir)
			if ifc.DAD != c.dad || ifc.ACD != c.acd || ifc.SLAAC != c.slac {
				t.Errorf("read dad=%q acd=%v slaac=%v, want %q %v %v", ifc.DAD, ifc.ACD, ifc.SLAAC, c.dad, c.acd, c.slac)
			}
			got := probs.Error()
			if c.problem == "" && len(probs) != 0 {
				t.Errorf("unexpected problems: %v", got)
			}
			if c.problem != "" && !strings.Contains(got, c.problem) {
				t.Errorf("problems %q, want one containing %q", got, c.problem)
			}
		})
	}
}
