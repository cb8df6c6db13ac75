// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
	"github.com/vserverx/vserverx/wrapper"
)

// vethGuest is guest g in namespace g with one veth (eth0, its host side
// derived) and one sysctl: steps 3 and 4 after the lock and the namespace.
var vethGuest = map[string]string{
	"g/context":                           "42\n",
	"g/vdir/":                             "",
	"g/spaces/net":                        "g\n",
	".netns/g/interfaces/0/type":          "veth\n",
	".netns/g/sysctl/net.ipv4.ip_forward": "0\n",
}

// fakeVserver is a vserver command for Start: the guest is not running,
// and start says so on stdout, then sleeps 5 s as the sleep itself (so a
// signal reaches it).
const fakeVserver = `#!/bin/sh
case $2 in
running) exit 1 ;;
start) echo "vserver $1 started"; exec sleep 5 ;;
esac
exit 2
`

// startEnv is sandboxEnv for Start: the guest is set up (scriptlets in the
// temporary confdir) and util-vserver's command is fakeVserver. What it
// prints goes to the returned writer, also the fake vserver's output.
func startEnv(t *testing.T, files map[string]string) (*Env, *cancelOn) {
	t.Helper()
	env, _ := sandboxEnv(t, files)
	out := &cancelOn{}
	env.Out, env.Err = out, out
	env.Vserver.Stdout, env.Vserver.Stderr = out, out
	env.Vserver.Path = filepath.Join(t.TempDir(), "vserver")
	if err := os.WriteFile(env.Vserver.Path, []byte(fakeVserver), 0o755); err != nil {
		t.Fatal(err)
	}
	env.Setup.Opt.Vserverx = "/usr/sbin/vserverx"
	m, err := env.Resolve("g")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Setup.Install(m.Guest, m.NS()); err != nil {
		t.Fatal(err)
	}
	if env.Tree, err = config.Load(env.Paths); err != nil { // with what setup wrote
		t.Fatal(err)
	}
	env.Grace = 100 * time.Millisecond
	return env, out
}

// cancelOn collects what is written to it and calls cancel once the text
// contains when: a test cancels a start at a precise point with it.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	when   string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.cancel != nil && w.when != "" && strings.Contains(w.buf.String(), w.when) {
		w.cancel()
	}
	return len(p), nil
}

func (w *cancelOn) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestStartCancelled: a start whose context ends between two steps, or
// while vserver runs, stops there (vserver gets SIGTERM), undoes what it
// created, says what it undid and why, and frees the lock; nothing is left
// behind.
func TestStartCancelled(t *testing.T) {
	nstest.RequireRoot(t)
	cases := []struct {
		name, when string // cancel once this was printed
		wantCode   int
		wantErr    string
		wantOut    string
	}{
		{"before the interface", "created network namespace g", 1,
			`namespace g: cancelled before "interface 0 (`, ""},
		{"before the sysctls", "created veth eth0 in g", 1,
			`namespace g: cancelled before "apply 1 sysctl setting(s) inside g": context canceled`, ""},
		{"while vserver runs", "vserver g started", 128 + 15,
			"guest g: context canceled while vserver g start ran (vserver exited with status 143)",
			"vserver g start failed (exit code 143); undoing what this start created"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, out := startEnv(t, vethGuest)
			warmNetnsDir(t)
			before := nstest.Snapshot(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out.when, out.cancel = c.when, cancel
			err := env.Start(ctx, "g", nil)
			code, ok := wrapper.StatusOf(err)
			if !ok {
				code = 1
			}
			if code != c.wantCode || (err == nil) != (c.wantErr == "") || err != nil && !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("got %d, %v; want %d, %q\n%s", code, err, c.wantCode, c.wantErr, out)
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("the error does not wrap context.Canceled: %v", err)
			}
			if !strings.Contains(out.String(), c.wantOut) || !strings.Contains(out.String(), "undone: create network namespace g") {
				t.Errorf("want %q in the output:\n%s", c.wantOut, out)
			}
			if c.wantCode == 1 && strings.Contains(out.String(), "vserver g started") {
				t.Errorf("vserver ran after the cancel:\n%s", out)
			}
			assertLockFree(t, env, "g")
			nstest.AssertSame(t, before)
		})
	}
}

// TestCancelledWhileWaitingForLock: start, Up and teardown stop waiting
// for a busy namespace lock when their context ends, long before the lock
// timeout, say so, and change nothing.
func TestCancelledWhileWaitingForLock(t *testing.T) {
	nstest.RequireRoot(t)
	env, out := startEnv(t, vethGuest)
	env.LockTimeout = 3 * time.Second
	calls := map[string]func(context.Context) error{
		"start": func(ctx context.Context) error { return env.Start(ctx, "g", nil) },
		"up": func(ctx context.Context) error {
			m, err := env.Resolve("g")
			if err != nil {
				return err
			}
			_, err = env.Up(ctx, m)
			return err
		},
		"teardown": func(ctx context.Context) error { return env.TeardownGuest(ctx, "g") },
	}
	warmNetnsDir(t)
	before := nstest.Snapshot(t)
	held, err := AcquireLock(context.Background(), env.Paths.StateDir, "g", 0, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	for name, call := range calls {
		ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, errors.New("test gave up"))
		begun := time.Now()
		err := call(ctx)
		cancel()
		want := "namespace g: stopped waiting for the lock " + LockPath(env.Paths.StateDir, "g") + ": cancelled: test gave up"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
		if d := time.Since(begun); d > 2*time.Second {
			t.Errorf("%s: returned after %s, not when its context ended", name, d)
		}
	}
	if strings.Contains(out.String(), "created") || strings.Contains(out.String(), "vserver g started") {
		t.Errorf("something was done:\n%s", out)
	}
	nstest.AssertSame(t, before)
}

// assertLockFree fails unless the lock of namespace x can be taken at once.
func assertLockFree(t *testing.T, env *Env, x string) {
	t.Helper()
	l, err := AcquireLock(context.Background(), env.Paths.StateDir, x, 0, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("the lock is still held: %v", err)
	}
	l.Release()
}
