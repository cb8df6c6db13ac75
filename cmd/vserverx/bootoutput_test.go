// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestStartAllDoesNotWaitForLeftOutput: a guest whose start leaves a
// process holding util-vserver's output open (here a pre-start scriptlet's
// background sleep, started before --defaulttty takes the rest of the
// start off that output; on real hosts a daemon started there that keeps
// its stdout) does not keep start-all waiting: start-all reports and
// returns while that process still runs.
func TestStartAllDoesNotWaitForLeftOutput(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	pidFile := filepath.Join(t.TempDir(), "pid")
	writeExecutable(t, filepath.Join(h.confdir, "fw/scripts/pre-start"), "#!/bin/sh\nsleep 30 &\necho $! >"+pidFile+"\n")
	r := h.mustVX("start-all", "--all")
	pid := readPid(t, pidFile)
	if !alive(pid) {
		t.Fatalf("the post-start scriptlet's sleep (pid %d) ended before start-all returned: start-all waited for the end of its output\n%s", pid, r)
	}
	if !strings.Contains(r.stdout, "fw") || !strings.Contains(r.stdout, "started") {
		t.Errorf("start-all does not report fw as started:\n%s", r)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	waitFor(t, "the scriptlet's sleep to end", func() bool { return !alive(pid) })
	h.mustVX("stop-all", "--all")
	nstest.AssertSame(t, before)
}

// TestStartAllDefaultTTY: start-all runs vserver as util-vserver's boot
// does, with --defaulttty: what the guest's start prints from pre-start on
// (here post-start's echo) goes to its apps/init/tty, not to start-all;
// `vserverx NAME start` shows it.
func TestStartAllDefaultTTY(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	writeExecutable(t, filepath.Join(h.confdir, "fw/scripts/post-start"), "#!/bin/sh\necho post-start of $2\n")
	tty := filepath.Join(h.confdir, "fw/apps/init/tty")
	h.write("fw/apps/init/tty", "")
	r := h.mustVX("start-all", "--all")
	if strings.Contains(r.stdout+r.stderr, "post-start of fw") {
		t.Errorf("start-all shows the guest's output after pre-start:\n%s", r)
	}
	if b, _ := os.ReadFile(tty); !strings.Contains(string(b), "post-start of fw") {
		t.Errorf("%s holds %q, want post-start's output", tty, b)
	}
	h.mustVX("stop-all", "--all")
	if r := h.mustVX("fw", "start"); !strings.Contains(r.stdout, "post-start of fw") {
		t.Errorf("vserverx fw start does not show post-start's output:\n%s", r)
	}
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
}

// TestStartAllFailureShowsOutput: the output of a failed start is part of
// start-all's report (it is read back from the file it was written to).
func TestStartAllFailureShowsOutput(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	writeExecutable(t, filepath.Join(h.confdir, "fw/scripts/pre-start"), "#!/bin/sh\necho 'pre-start of fw refuses' >&2\nexit 1\n")
	r := h.vx("start-all", "--all")
	if r.code == 0 || !strings.Contains(r.stdout, "fw") || !strings.Contains(r.stdout, "FAILED") || !strings.Contains(r.stdout, "pre-start of fw refuses") {
		t.Errorf("start-all with a failing guest: want a failure that quotes its output:\n%s", r)
	}
	nstest.AssertSame(t, before)
}

// TestStartAllRefusesUnsafeStateDir: the output of each start is kept in
// the state directory, so a state directory others could write is refused
// for each guest, naming it, and nothing is started.
func TestStartAllRefusesUnsafeStateDir(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	state := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(state, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(state, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	r := h.vx("--state-dir", state, "start-all", "--all")
	if r.code == 0 || !strings.Contains(r.stdout, "state directory "+state) || !strings.Contains(r.stdout, "not writable by group or others") {
		t.Errorf("start-all with a world-writable state directory: want a refusal naming it:\n%s", r)
	}
	if h.vserver("fw", "running").code == 0 {
		t.Error("fw was started")
	}
	nstest.AssertSame(t, before)
}

// readPid reads a process id written to file.
func readPid(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return pid
}

// alive reports whether process pid exists and is not a zombie (an
// orphan's zombie stays until PID 1 of the test's PID namespace reaps it).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && i+2 < len(b) && b[i+2] != 'Z'
}
