// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package wrapper_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/testdata/nstest"
	"github.com/vserverx/vserverx/wrapper"
)

// writeExe writes a shell script at path with the given mode.
func writeExe(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), mode); err != nil {
		t.Fatal(err)
	}
}

// TestFind: --vserver wins, then util-vserver-vars' path, then PATH; every
// refusal wraps ErrNotFound and names what was tried.
func TestFind(t *testing.T) {
	dir := t.TempDir()
	exe, plain, onPath := filepath.Join(dir, "vs"), filepath.Join(dir, "plain"), filepath.Join(dir, "bin")
	writeExe(t, exe, "exit 0", 0o755)
	writeExe(t, plain, "exit 0", 0o644)
	if err := os.Mkdir(onPath, 0o755); err != nil {
		t.Fatal(err)
	}
	writeExe(t, filepath.Join(onPath, "vserver"), "exit 0", 0o755)
	t.Setenv("PATH", onPath)
	found := []struct{ explicit, fromVars, want string }{
		{exe, filepath.Join(dir, "missing"), exe},
		{"", exe, exe},
		{"", filepath.Join(dir, "missing"), filepath.Join(onPath, "vserver")},
		{"", plain, filepath.Join(onPath, "vserver")},
		{"", "", filepath.Join(onPath, "vserver")},
	}
	for _, c := range found {
		if got, err := wrapper.Find(c.explicit, c.fromVars); err != nil || got != c.want {
			t.Errorf("Find(%q, %q) = %q, %v; want %q", c.explicit, c.fromVars, got, err, c.want)
		}
	}
	refused := []struct{ explicit, fromVars, path, want string }{
		{filepath.Join(dir, "missing"), exe, onPath, filepath.Join(dir, "missing") + " does not exist"},
		{plain, "", onPath, plain + " is not an executable file"},
		{dir, "", onPath, dir + " is not an executable file"},
		{filepath.Join(plain, "x"), "", onPath, "stat " + filepath.Join(plain, "x") + ": not a directory"},
		{"", filepath.Join(dir, "missing"), dir, "(tried " + filepath.Join(dir, "missing") + " and PATH); install util-vserver or give --vserver PATH"},
		{"", "", dir, "(tried PATH); install util-vserver or give --vserver PATH"},
	}
	for _, c := range refused {
		t.Setenv("PATH", c.path)
		got, err := wrapper.Find(c.explicit, c.fromVars)
		if !errors.Is(err, wrapper.ErrNotFound) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Find(%q, %q) with PATH=%s = %q, %v; want an error with %q", c.explicit, c.fromVars, c.path, got, err, c.want)
		}
	}
}

// TestEnviron: VSERVERX_NETNS and UTIL_VSERVER_VARS are added only when
// set, on top of this process's environment.
func TestEnviron(t *testing.T) {
	t.Setenv("WRAPPER_TEST_MARK", "1")
	env := wrapper.Vserver{VarsFile: "/etc/vars"}.Environ("dmz")
	for _, want := range []string{"WRAPPER_TEST_MARK=1", "VSERVERX_NETNS=dmz", "UTIL_VSERVER_VARS=/etc/vars"} {
		if !slices.Contains(env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
	for _, v := range (wrapper.Vserver{}).Environ("") {
		if strings.HasPrefix(v, "VSERVERX_NETNS=") || strings.HasPrefix(v, "UTIL_VSERVER_VARS=") {
			t.Errorf("unset, yet in the environment: %s", v)
		}
	}
}

// TestExitCode: a command's own code, 128+signal when a signal killed it,
// and 1 with the error when it could not run at all.
func TestExitCode(t *testing.T) {
	for script, want := range map[string]int{"exit 0": 0, "exit 3": 3, "kill -TERM $$": 143} {
		code, err := wrapper.ExitCode(exec.Command("/bin/sh", "-c", script).Run())
		if code != want || err != nil {
			t.Errorf("%s: code %d, err %v; want %d", script, code, err, want)
		}
	}
	code, err := wrapper.ExitCode(exec.Command(filepath.Join(t.TempDir(), "missing")).Run())
	if code != 1 || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing command: code %d, err %v; want 1 and the error", code, err)
	}
}

// TestRun: `vserver GUEST ARGS...` runs with util-vserver's environment,
// its exit code comes back, and a command that cannot start is an error
// naming it.
func TestRun(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	vs, out := filepath.Join(dir, "vserver"), filepath.Join(dir, "out")
	writeExe(t, vs, `echo "$* $UTIL_VSERVER_VARS" >`+out+`; exit 7`, 0o755)
	v := wrapper.Vserver{Path: vs, VarsFile: "/etc/vars"}
	err := v.Run(context.Background(), netns.Own(), "g", "status", "--x")
	var es *wrapper.ExitStatus
	if !errors.As(err, &es) || es.Code != 7 || err.Error() != "vserver exited with status 7" {
		t.Fatalf("err %v; want the exit status 7", err)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "g status --x /etc/vars\n" {
		t.Errorf("the command saw %q (%v)", b, err)
	}
	v.Path = filepath.Join(dir, "missing")
	err = v.Run(context.Background(), netns.Own(), "g", "status")
	if _, ok := wrapper.StatusOf(err); ok || err == nil || !strings.HasPrefix(err.Error(), "starting "+v.Path+" g status: ") {
		t.Errorf("err %v; want an error naming the command, without an exit status", err)
	}
}

// TestWaitCancelled: when the context ends while the command runs, Wait
// sends it wrapper.CancelSignal (SIGTERM) and returns the code of that
// death, 128+15.
func TestWaitCancelled(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	begun := time.Now()
	err := wrapper.Wait(ctx, cmd)
	if code, ok := wrapper.StatusOf(err); wrapper.CancelSignal != syscall.SIGTERM || code != 143 || !ok {
		t.Errorf("got %v; want status 143 (SIGTERM)", err)
	}
	if d := time.Since(begun); d > 5*time.Second {
		t.Errorf("returned after %s, not when the context ended", d)
	}
}

// TestStartWithoutNamespace: a nil Namespace is refused (netns.Own() is
// the caller's), nothing is started.
func TestStartWithoutNamespace(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ran")
	v := wrapper.Vserver{Path: "/bin/sh", Options: []string{"-c", "touch " + out}}
	if cmd, err := v.Start(nil, "g", "start"); cmd != nil || err == nil || !strings.Contains(err.Error(), "no namespace given") {
		t.Errorf("Start(nil) = %v, %v", cmd, err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the command ran")
	}
}
