// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"strings"
	"testing"
)

// TestStartPlanSteps: the printed plan carries the checks and ends with
// running vserver; the setup plan (Up) has the same steps without it.
func TestStartPlanSteps(t *testing.T) {
	env, _ := sandboxEnv(t, soloGuest)
	m, err := env.Resolve("g")
	if err != nil {
		t.Fatal(err)
	}
	p := env.StartPlan(m, []string{"--debug"})
	if len(p.Checks) != 3 {
		t.Errorf("want 3 checks, got %q", p.Checks)
	}
	steps := p.Steps()
	setup := env.setupPlan(m)
	setupSteps := setup.Steps()
	if len(steps) != len(setupSteps)+1 {
		t.Fatalf("start has %d steps, setup %d: want exactly one more", len(steps), len(setupSteps))
	}
	for i, s := range setupSteps {
		if steps[i].Title != s.Title {
			t.Errorf("step %d: start %q, setup %q", i+1, steps[i].Title, s.Title)
		}
	}
	if first := steps[0].Title; !strings.HasPrefix(first, "lock namespace g: "+LockPath(env.Paths.StateDir, "g")) {
		t.Errorf("first step %q", first)
	}
	if last := steps[len(steps)-1].Title; last != "run vserver g start --debug inside g" {
		t.Errorf("last step %q", last)
	}
	if len(setup.Checks) != 0 || strings.Contains(setupSteps[len(setupSteps)-1].Title, "vserver") {
		t.Errorf("setup plan has checks %q or runs vserver: %q", setup.Checks, setupSteps[len(setupSteps)-1].Title)
	}
}
