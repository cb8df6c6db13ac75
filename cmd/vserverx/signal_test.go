package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/vserverx/vserverx/netns/nstest"
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
	vars, err := os.ReadFile(h.vars)
	if err != nil {
		t.Fatal(err)
	}
	writeExecutable(t, h.vars, string(vars)+"\n_LIB_FUNCTIONS="+slowLib+"\n")
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
	busy := filepath.Join(t.TempDir(), "busy")
	slow := filepath.Join(t.TempDir(), "vprocunhide")
	writeExecutable(t, slow, "#!/bin/sh\n: >"+busy+"\nexec sleep 5\n")
	vars, err := os.ReadFile(h.vars)
	if err != nil {
		t.Fatal(err)
	}
	writeExecutable(t, h.vars, string(vars)+"\n_VPROCUNHIDE="+slow+"\n")
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

// termStartWhen runs `vserverx fw start`, sends it SIGTERM once marker
// exists (what is described by what), and returns its stderr; it fails
// the test unless vserverx left with 143.
func termStartWhen(t *testing.T, h *host, what, marker string) *bytes.Buffer {
	t.Helper()
	cmd := exec.Command(h.bin, "--confdir", h.confdir, "--util-vserver-vars", h.vars, "fw", "start")
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, what, func() bool { _, err := os.Stat(marker); return err == nil })
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, _ := err.(*exec.ExitError); ee == nil || ee.ExitCode() != 143 {
		t.Fatalf("want exit 143, got %v:\n%s", err, stderr.String())
	}
	return &stderr
}
