// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestSignalDuringRunningCheck: SIGTERM to vserverx while it asks
// util-vserver whether the guest already runs is not taken for the answer
// "not running": start stops, says why, leaves with 143, and neither the
// guest nor its namespace is started. util-vserver is asked only about a
// guest with a readable run entry, so fw gets one, and the functions
// library the question sources is made slow.
func TestSignalDuringRunningCheck(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	tmp := t.TempDir()
	asking, arm := filepath.Join(tmp, "asking"), filepath.Join(tmp, "arm")
	runFile := filepath.Join(tmp, "run")
	if err := os.WriteFile(runFile, []byte("42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(runFile, filepath.Join(h.confdir, "fw", "run")); err != nil {
		t.Fatal(err)
	}
	slowLib := filepath.Join(tmp, "functions")
	writeExecutable(t, slowLib, "if [ -e "+arm+" ]; then : >"+asking+"; sleep 5; fi\n. "+repoPath("testdata/util-vserver/functions")+"\n")
	h.setVar("_LIB_FUNCTIONS", slowLib)
	before := nstest.Snapshot(t)
	writeExecutable(t, arm, "")
	stderr := termStartWhen(t, h, "vserverx to ask whether fw runs", asking)
	_ = os.Remove(arm)
	if !strings.Contains(stderr.String(), "interrupted by SIGTERM while asking util-vserver whether guest fw runs") {
		t.Errorf("the interruption is not explained:\n%s", stderr.String())
	}
	if h.vserver("fw", "running").code == 0 {
		t.Error("the guest was started")
	}
	nstest.AssertSame(t, before)
}

// TestSignalWhilePreparing: SIGTERM to vserverx while it prepares the
// namespace (here: while vprocunhide runs inside it, after the links were
// made) stops the start before util-vserver runs, undoes what it created,
// says so, and leaves with 143; the host is as before.
func TestSignalWhilePreparing(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	before := nstest.Snapshot(t)
	slow, busy := slowVprocunhide(t, h)
	stderr := termStartWhen(t, h, "vprocunhide to run", busy)
	for _, want := range []string{"interrupted by SIGTERM while " + slow + " ran in namespace fw", "undone: interface 0", "undone: create network namespace fw"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if h.vserver("fw", "running").code == 0 {
		t.Error("the guest was started")
	}
	nstest.AssertSame(t, before)
}

// TestSignalDuringStartAll: SIGTERM to start-all while it starts its first
// guest (fw, -j 1; vprocunhide runs in fw's namespace) undoes that start,
// skips the guests not yet started (mail) and those waiting for fw (web),
// says why for each, and leaves with 143; the host is as before.
func TestSignalDuringStartAll(t *testing.T) {
	h := newBootHost(t)
	before := nstest.Snapshot(t)
	slow, busy := slowVprocunhide(t, h)
	stdout, stderr := termWhen(t, h, "vprocunhide to run for fw", busy, "start-all", "--all", "-j", "1")
	for _, want := range []string{
		"fw +FAILED .*: interrupted by SIGTERM while " + regexp.QuoteMeta(slow) + " ran in namespace fw",
		"undone: create network namespace fw",
		"web +skipped: needs fw, which failed",
		"mail +skipped: interrupted by SIGTERM$",
		"start-all: 0 of 3 started, 1 failed \\(fw\\), 2 skipped",
	} {
		if !regexp.MustCompile(`(?m)` + want).MatchString(stdout) {
			t.Errorf("start-all's output lacks %q:\n%s", want, stdout)
		}
	}
	if want := "vserverx: interrupted by SIGTERM: exit code 143"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	for _, g := range []string{"fw", "web", "mail"} {
		if h.vserver(g, "running").code == 0 {
			t.Errorf("guest %s was started", g)
		}
	}
	nstest.AssertSame(t, before)
}

// TestSignalDuringStopAll: SIGTERM to stop-all while util-vserver stops
// its first guest (mail, -j 1; a pre-stop scriptlet of mail runs) reaches
// that vserver, leaves mail's namespace for a later stop, skips the others
// (web, and fw, which waits for web's stop), says why, and leaves with
// 143.
// A second stop-all, once the scriptlet's process is gone, removes
// everything.
func TestSignalDuringStopAll(t *testing.T) {
	h := newBootHost(t)
	before := nstest.Snapshot(t)
	h.mustVX("start-all", "--all")
	tmp := t.TempDir()
	busy, pidFile := filepath.Join(tmp, "busy"), filepath.Join(tmp, "pid")
	writeExecutable(t, filepath.Join(h.confdir, "mail/scripts/pre-stop"), "#!/bin/sh\necho $$ >"+pidFile+"\n: >"+busy+"\nexec sleep 2\n")
	stdout, stderr := termWhen(t, h, "mail's pre-stop scriptlet to run", busy, "stop-all", "--all", "-j", "1")
	for _, want := range []string{
		"mail +FAILED .*SIGTERM",
		"web +skipped: interrupted by SIGTERM$",
		"fw +skipped: interrupted by SIGTERM$",
	} {
		if !regexp.MustCompile(`(?m)` + want).MatchString(stdout) {
			t.Errorf("stop-all's output lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{"namespace dmz may be left: run `vserverx mail stop` again", "vserverx: interrupted by SIGTERM: exit code 143"} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("output lacks %q:\n%s%s", want, stdout, stderr)
		}
	}
	for _, g := range []string{"fw", "web"} {
		if h.vserver(g, "running").code != 0 {
			t.Errorf("guest %s was stopped", g)
		}
	}
	if !slices.Contains(netnsList(t), "dmz") {
		t.Error("namespace dmz was removed while the stop of mail was interrupted")
	}
	pid := readPid(t, pidFile)
	waitFor(t, "mail's pre-stop scriptlet to end", func() bool { return !alive(pid) })
	if err := os.Remove(filepath.Join(h.confdir, "mail/scripts/pre-stop")); err != nil {
		t.Fatal(err)
	}
	h.mustVX("stop-all", "--all")
	nstest.AssertSame(t, before)
}

// slowVprocunhide makes util-vserver's vprocunhide (which vserverx runs in
// a namespace it prepares) a script that creates the file busy and then
// sleeps 5 s; it returns the script's path and busy.
func slowVprocunhide(t *testing.T, h *host) (slow, busy string) {
	t.Helper()
	busy = filepath.Join(t.TempDir(), "busy")
	slow = filepath.Join(t.TempDir(), "vprocunhide")
	writeExecutable(t, slow, "#!/bin/sh\n: >"+busy+"\nexec sleep 5\n")
	h.setVar("_VPROCUNHIDE", slow)
	return slow, busy
}

// termStartWhen runs `vserverx fw start`, sends it SIGTERM once marker
// exists (what is described by what), and returns its stderr; it fails
// the test unless vserverx left with 143.
func termStartWhen(t *testing.T, h *host, what, marker string) *bytes.Buffer {
	t.Helper()
	_, stderr := termWhen(t, h, what, marker, "fw", "start")
	return bytes.NewBufferString(stderr)
}

// termWhen runs `vserverx ARGS...`, sends it SIGTERM once marker exists
// (what is described by what), and returns its stdout and stderr; it
// fails the test unless vserverx left with 143.
func termWhen(t *testing.T, h *host, what, marker string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(h.bin, append([]string{"--confdir", h.confdir, "--util-vserver-vars", h.vars}, args...)...)
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, what, func() bool { _, err := os.Stat(marker); return err == nil })
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, _ := err.(*exec.ExitError); ee == nil || ee.ExitCode() != 143 {
		t.Fatalf("want exit 143, got %v:\n%s%s", err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}
