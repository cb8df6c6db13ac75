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
	setup := env.setupPlan(m)
	if len(p.Steps) != len(setup.Steps)+1 {
		t.Fatalf("start has %d steps, setup %d: want exactly one more", len(p.Steps), len(setup.Steps))
	}
	for i, s := range setup.Steps {
		if p.Steps[i].Title != s.Title {
			t.Errorf("step %d: start %q, setup %q", i+1, p.Steps[i].Title, s.Title)
		}
	}
	if last := p.Steps[len(p.Steps)-1].Title; last != "run vserver g start --debug inside g" {
		t.Errorf("last step %q", last)
	}
	if len(setup.Checks) != 0 || strings.Contains(setup.Steps[len(setup.Steps)-1].Title, "vserver") {
		t.Errorf("setup plan has checks %q or runs vserver: %q", setup.Checks, setup.Steps[len(setup.Steps)-1].Title)
	}
}
