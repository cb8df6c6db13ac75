// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package wrapper_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/wrapper"
)

// runLog points the stand-in's STANDIN_RUNLOG at a fresh file of the test
// and returns a function counting the util-vserver runs recorded so far.
func runLog(t *testing.T) func() int {
	t.Helper()
	f := filepath.Join(t.TempDir(), "runs")
	t.Setenv("STANDIN_RUNLOG", f)
	return func() int {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n")
	}
}

func (s *standin) vserver() wrapper.Vserver {
	return wrapper.Vserver{Path: filepath.Join(s.bin, "vserver"), VarsFile: s.vars}
}

// Guests without a run entry are not running and util-vserver is not run
// at all.
func TestRunningWithoutRunEntryRunsNothing(t *testing.T) {
	s := newStandin(t)
	runs := runLog(t)
	for _, g := range []string{"a", "b", "c"} {
		s.guest(t, g, nil)
	}
	// A dangling run entry (the run file of a stopped guest) cannot be read.
	if err := os.Symlink(filepath.Join(s.state, "run", "c", "run"), filepath.Join(s.conf, "c", "run")); err != nil {
		t.Fatal(err)
	}
	got, err := s.vserver().Running(context.Background(), s.conf, []string{"a", "b", "c", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"a": false, "b": false, "c": false, "missing": false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Running = %v, want %v", got, want)
	}
	if n := runs(); n != 0 {
		t.Errorf("%d util-vserver runs for guests without a run entry, want 0", n)
	}
}

// Many candidates with run entries cost one util-vserver run, and the
// answers are those of `vserver NAME running`, also for a guest whose run
// file went stale (its init died).
func TestRunningAsksOnceWithVserversAnswers(t *testing.T) {
	s := newStandin(t)
	s.env = append(s.env, "STANDIN_HELPER_LINGER=0")
	names := []string{"g1", "g2", "g3", "g4", "g5", "stale"}
	for _, g := range names {
		s.guest(t, g, nil)
		s.mustStart(t, g)
	}
	if r := s.run(t, "vserver", "g2", "stop"); r.code != 0 {
		t.Fatalf("stop g2: %s", r)
	}
	s.killGuest(t, "stale")
	runs := runLog(t)
	got, err := s.vserver().Running(context.Background(), s.conf, names)
	if err != nil {
		t.Fatal(err)
	}
	if n := runs(); n != 1 {
		t.Errorf("%d util-vserver runs for %d candidates, want 1", n, len(names)-1)
	}
	for _, g := range names {
		want := s.run(t, "vserver", g, "running").code == 0
		if got[g] != want {
			t.Errorf("Running[%s] = %v, vserver %s running says %v", g, got[g], g, want)
		}
	}
	if !got["g1"] || got["g2"] || got["stale"] {
		t.Errorf("Running = %v, want g1 running, g2 and stale stopped", got)
	}
}

// A util-vserver that cannot be asked is an error naming the guests and
// the vars file; guests without a run entry still have their answer.
func TestRunningErrorNamesGuestsAndVars(t *testing.T) {
	s := newStandin(t)
	s.guest(t, "up", map[string]string{"run": "42\n"})
	s.guest(t, "down", nil)
	v := s.vserver()
	v.VarsFile = filepath.Join(t.TempDir(), "no-such-vars")
	got, err := v.Running(context.Background(), s.conf, []string{"up", "down"})
	if err == nil {
		t.Fatal("no error with a missing util-vserver-vars")
	}
	for _, want := range []string{"up", v.VarsFile} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if down, ok := got["down"]; !ok || down {
		t.Errorf("Running = %v, want down: false", got)
	}
}

// killGuest kills guest name's init behind util-vserver's back, leaving
// its run file stale, and waits until it is gone.
func (s *standin) killGuest(t *testing.T, name string) {
	t.Helper()
	pid := s.stateFile(name, "pid")
	if out, err := exec.Command("kill", "-KILL", "--", "-"+pid).CombinedOutput(); err != nil {
		t.Fatalf("kill guest %s (%s): %v: %s", name, pid, err, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat("/proc/" + pid + "/cmdline"); err != nil {
			return
		}
		if b, _ := os.ReadFile("/proc/" + pid + "/stat"); strings.Contains(string(b), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("guest %s (%s) still there", name, pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
