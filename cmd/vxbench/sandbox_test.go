// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestCheckFreshSandbox(t *testing.T) {
	if err := checkFreshSandbox(1, "1", []string{"lo"}); err != nil {
		t.Fatalf("fresh sandbox refused: %v", err)
	}
	for _, c := range []struct {
		name  string
		pid   int
		env   string
		links []string
		want  string
	}{
		{"no marker", 1, "", []string{"lo"}, "VXBENCH_SANDBOX=1 is not set"},
		{"not pid 1", 4242, "1", []string{"lo"}, "the runner is pid 4242"},
		{"host links", 1, "1", []string{"lo", "eth0"}, "has links lo, eth0"},
	} {
		err := checkFreshSandbox(c.pid, c.env, c.links)
		if !errors.Is(err, errNoSandbox) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "make bench") {
			t.Errorf("%s: want a refusal saying %q and how to run it, got %v", c.name, c.want, err)
		}
	}
}

func TestCheckChildSandboxRefuses(t *testing.T) {
	t.Setenv(sandboxEnv, "")
	if err := checkChildSandbox(); !errors.Is(err, errNoSandbox) || !strings.Contains(err.Error(), "VXBENCH_SANDBOX=1 is not set") {
		t.Fatalf("without the variable: got %v", err)
	}
	if _, err := os.Stat(markerPath); err == nil {
		t.Skipf("%s exists: running inside a benchmark sandbox", markerPath)
	}
	t.Setenv(sandboxEnv, "1")
	if err := checkChildSandbox(); !errors.Is(err, errNoSandbox) || !strings.Contains(err.Error(), markerPath) {
		t.Fatalf("without the marker file: got %v", err)
	}
}
