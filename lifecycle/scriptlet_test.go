// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestUpAndExecUnknownCommand: a command that does not exist is refused
// before the namespace is set up, so nothing is left behind.
func TestUpAndExecUnknownCommand(t *testing.T) {
	nstest.RequireRoot(t)
	env, _ := sandboxEnv(t, soloGuest)
	warmNetnsDir(t)
	before := nstest.Snapshot(t)
	err := env.UpAndExec(context.Background(), "g", []string{filepath.Join(t.TempDir(), "no-such-command")})
	if err == nil || !strings.Contains(err.Error(), "netns-exec in g:") || !strings.Contains(err.Error(), "no-such-command") {
		t.Fatalf("want an error naming the namespace and the command, got %v", err)
	}
	nstest.AssertSame(t, before)
}

// TestUpAndExecExecFails: when the exec itself fails (a file the kernel
// cannot run), the namespace this call set up is torn down again.
func TestUpAndExecExecFails(t *testing.T) {
	nstest.RequireRoot(t)
	env, _ := sandboxEnv(t, soloGuest)
	bad := filepath.Join(t.TempDir(), "garbage")
	if err := os.WriteFile(bad, []byte("\x00\x01 not a program\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	warmNetnsDir(t)
	before := nstest.Snapshot(t)
	err := env.UpAndExec(context.Background(), "g", []string{bad})
	if err == nil || !strings.Contains(err.Error(), "exec "+bad+" in namespace g:") || !strings.Contains(err.Error(), "exec format error") {
		t.Fatalf("want an exec error naming the file and the namespace, got %v", err)
	}
	nstest.AssertSame(t, before)
}

// TestNotManaged: enter, netns-exec and teardown refuse a guest vserverx
// does not manage, saying what its spaces/net holds, and change nothing.
func TestNotManaged(t *testing.T) {
	env, out := sandboxEnv(t, map[string]string{
		"plain/vdir/":        "",
		"private/vdir/":      "",
		"private/spaces/net": "",
	})
	cases := []struct {
		name string
		call func(string) error
		want string
	}{
		{"plain", func(g string) error { return env.Enter(context.Background(), g, nil) }, "guest plain: not managed by vserverx (its spaces/net is missing)"},
		{"private", func(g string) error { return env.UpAndExec(context.Background(), g, []string{"true"}) }, "guest private: not managed by vserverx (its spaces/net is empty: util-vserver gives it a private net space)"},
		{"plain", func(g string) error { return env.TeardownGuest(context.Background(), g) }, "guest plain: not managed by vserverx (its spaces/net is missing)"},
	}
	for _, c := range cases {
		err := c.call(c.name)
		if !errors.Is(err, ErrNotManaged) || err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
	if _, err := os.Stat(env.Paths.StateDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state directory %s was created (%v)", env.Paths.StateDir, err)
	}
}

// TestVspaceAssignment: the run entering a managed namespace is dropped
// when VSERVERX_NETNS names it and replaced by the netns-exec prefix
// otherwise; a run entering a real context is kept.
func TestVspaceAssignment(t *testing.T) {
	env, _ := sandboxEnv(t, soloGuest)
	env.Setup.Opt.Vserverx, env.Setup.Opt.GlobalArgs = "/sbin/vserverx", []string{"--confdir", "/c"}
	words := []string{"/usr/sbin/vspace", "--enter", "g", "--net", "--", "vspace", "--enter", "ctx", "--net", "--"}
	const kept = "'vspace' '--enter' 'ctx' '--net' '--'"
	cases := []struct{ inside, want string }{
		{"g", "VSPACE_SHARED_CMD=( " + kept + " )"},
		{"", "VSPACE_SHARED_CMD=( '/sbin/vserverx' '--confdir' '/c' 'g' 'netns-exec' '--' " + kept + " )"},
	}
	for _, c := range cases {
		t.Setenv("VSERVERX_NETNS", c.inside)
		if got := env.VspaceAssignment("g", words); got != c.want {
			t.Errorf("inside %q:\n got %s\nwant %s", c.inside, got, c.want)
		}
	}
}
