// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runnerEnv makes the test binary act as vxbench itself (see TestMain), so
// that the tests can run the runner as `make bench` does.
const runnerEnv = "VXBENCH_TEST_AS_RUNNER"

func TestMain(m *testing.M) {
	if os.Getenv(runnerEnv) == "1" {
		if err := run(os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "vxbench:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// repoRoot is the source tree (the tests run in cmd/vxbench).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// runner returns the command that runs this binary as vxbench.
func runner(t *testing.T, prefix []string, env []string, args ...string) *exec.Cmd {
	argv := append(append(prefix, os.Args[0], "-repo", repoRoot(t)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), runnerEnv+"=1"), env...)
	return cmd
}

// TestRunnerRefusesOutsideSandbox: without the sandbox variable, or with it
// but not as PID 1 of a fresh PID namespace, the runner refuses before
// touching anything and says how to run it.
func TestRunnerRefusesOutsideSandbox(t *testing.T) {
	for _, c := range []struct{ env, want string }{
		{sandboxEnv + "=", "VXBENCH_SANDBOX=1 is not set"},
		{sandboxEnv + "=1", "not pid 1 of its own PID namespace"},
	} {
		out, err := runner(t, nil, []string{c.env}, "-no-start-all").CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), c.want) || !strings.Contains(string(out), "make bench") {
			t.Errorf("%s: want exit 1 saying %q, got %v:\n%s", c.env, c.want, err, out)
		}
	}
	if _, err := os.Stat(markerPath); err == nil && os.Getenv(sandboxEnv) != "1" {
		t.Errorf("%s exists after the refusals", markerPath)
	}
}

// TestRunnerNeedsVserverx: without -no-start-all, a missing vserverx binary
// is refused at once, before the sandbox and the table.
func TestRunnerNeedsVserverx(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "vserverx")
	out, err := runner(t, nil, []string{sandboxEnv + "=1"}, "-vserverx", missing).CombinedOutput()
	var ee *exec.ExitError
	want := "-vserverx: the command-line table and start-all need the vserverx binary (make build, or -no-cli -no-start-all): stat " + missing
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), want) {
		t.Errorf("want exit 1 saying %q, got %v:\n%s", want, err, out)
	}
	if _, err := os.Stat(markerPath); err == nil && os.Getenv(sandboxEnv) != "1" {
		t.Errorf("%s exists after the refusal", markerPath)
	}
}

// TestRunnerInSandbox runs a small benchmark exactly as `make bench` does:
// the command-line table (every kind of row, the concurrent stops), the
// engine table, the end state comparison of engine and scriptlet, the goals,
// the RSS probe and start-all/stop-all with a vserverx built for it (given
// by absolute path).
func TestRunnerInSandbox(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: run as root to include the benchmark runner's test")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	vserverx := filepath.Join(t.TempDir(), "vserverx")
	build := exec.Command("go", "build", "-tags", "urfave_cli_no_docs", "-o", vserverx, "./cmd/vserverx")
	build.Dir = repoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build builds it
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building vserverx for start-all: %v\n%s", err, out)
	}
	sandbox := []string{"unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private"}
	out, err := runner(t, sandbox, []string{sandboxEnv + "=1"},
		"-n", "1,2", "-reps", "2", "-variants", "1macvlan,2veth",
		"-vserverx", vserverx, "-guests", "4", "-groups", "2", "-j", "1,2",
		"-cli-reps", "1", "-plan-guests", "2,4", "-group-sizes", "2,3", "-list-guests", "4").CombinedOutput()
	if err != nil {
		t.Fatalf("vxbench failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"What the administrator waits for",
		"vserverx G start, K=1 macvlan                   1 |", "vserverx G stop, K=4 macvlan", "| ip scriptlet setup + teardown",
		"vserverx G plan, 4 guests in the confdir        4 |", "| the same, 2 guests",
		"vserverx M stop, 2 of a group of 3 run          1 |", "| vserver P stop (outside any group)",
		"3 concurrent member stops of one running group: 0 failed (goal 0: ok), 1 removed the namespace (want 1: ok)",
		"vserverx list, 4 guests, 1 running              1 |", "| vserver NAME status (running)",
		"engine teardown, 10 namespaces, K=4 veth        1 |", "| the same, K=1",
		"K=1 macvlan     1    2 |", "K=1 macvlan     2    2 |", "K=2 veth        1    2 |", "K=2 veth        2    2 |",
		"Goals, judged on the totals", "K=2 veth     N=2    b/a =",
		"Peak RSS of vserverx's engine, K=2 veth at N=2",
		"start-all / stop-all --all: 4 guests in 2 groups",
		"\n   1 |", "\n   2 |", "start-all -j 2  wall/ideal",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestMeasureRowContenderFails: a failing contender stops the row with an
// error naming it and the repetition.
func TestMeasureRowContenderFails(t *testing.T) {
	boom := errors.New("boom")
	cs := []contender{{name: "x", setup: func() error { return boom }, teardown: func() error { return nil }}}
	_, err := measureRow(cs, 3, t.TempDir(), 0)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "contender x, repetition 1: boom") {
		t.Fatalf("got %v", err)
	}
	cs[0].setup = func() error { return nil }
	cs[0].teardown = func() error { return boom }
	if _, err := measureRow(cs, 1, t.TempDir(), 0); !errors.Is(err, boom) {
		t.Fatalf("teardown failure: got %v", err)
	}
}
