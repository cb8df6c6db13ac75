// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// nobody is the user the tests of other users run as.
const nobody = 65534

// openDir returns a fresh directory that every user may enter, so that a
// test proves the state directory's own rules, not the test's.
func openDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vserverx-state")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// asNobody runs argv as user nobody and returns its combined output and
// whether it succeeded.
func asNobody(t *testing.T, argv ...string) (string, bool) {
	t.Helper()
	args := append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--"}, argv...)
	out, err := exec.Command("setpriv", args...).CombinedOutput()
	return string(out), err == nil
}

// TestStateDirCreatedPrivate: a missing state directory is created 0700,
// the lock file 0600, and another user can neither open the lock file nor
// hold the lock.
func TestStateDirCreatedPrivate(t *testing.T) {
	nstest.RequireRoot(t)
	state := filepath.Join(openDir(t), "vserverx")
	l, err := AcquireLock(context.Background(), state, "fw", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	mustMode(t, state, os.ModeDir|0o700)
	mustMode(t, LockPath(state, "fw"), 0o600)
	if out, ok := asNobody(t, "flock", "--nonblock", "--shared", LockPath(state, "fw"), "true"); ok {
		t.Fatalf("user nobody could open and hold %s: %s", LockPath(state, "fw"), out)
	}
}

// TestOldStateTightened: a state directory 0755 and a lock file 0644, as
// earlier versions made them, are tightened, so that another user who
// could open the lock file before cannot any more.
func TestOldStateTightened(t *testing.T) {
	nstest.RequireRoot(t)
	state := filepath.Join(openDir(t), "vserverx")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(LockPath(state, "fw"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := asNobody(t, "flock", "--nonblock", "--shared", LockPath(state, "fw"), "true"); !ok {
		t.Fatal("setup: nobody cannot use the old lock file; the test proves nothing")
	}
	l, err := AcquireLock(context.Background(), state, "fw", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	mustMode(t, state, os.ModeDir|0o700)
	mustMode(t, LockPath(state, "fw"), 0o600)
	if out, ok := asNobody(t, "flock", "--nonblock", "--shared", LockPath(state, "fw"), "true"); ok {
		t.Fatalf("user nobody can still hold the lock: %s", out)
	}
}

// TestUnsafeStateDirRefused: a state directory another user owns or can
// write, or a symbolic link, is refused with the path, what was found,
// what is required and how to fix it; nothing is created in it or through
// a symbolic link planted in it.
func TestUnsafeStateDirRefused(t *testing.T) {
	nstest.RequireRoot(t)
	cases := []struct {
		name  string
		make  func(t *testing.T, state string)
		found string
	}{
		{"owned by nobody", func(t *testing.T, state string) { mkdirOwned(t, state, 0o755, nobody) }, "found directory owned by uid 65534 with mode 0755"},
		{"world-writable", func(t *testing.T, state string) { mkdirOwned(t, state, 0o777, 0) }, "found directory owned by uid 0 with mode 0777"},
		{"group-writable", func(t *testing.T, state string) { mkdirOwned(t, state, 0o770, 0) }, "found directory owned by uid 0 with mode 0770"},
		{"symbolic link", func(t *testing.T, state string) {
			target := filepath.Join(filepath.Dir(state), "elsewhere")
			mkdirOwned(t, target, 0o700, 0)
			if err := os.Symlink(target, state); err != nil {
				t.Fatal(err)
			}
		}, "found symbolic link owned by uid 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := openDir(t)
			state := filepath.Join(dir, "vserverx")
			c.make(t, state)
			victim := filepath.Join(dir, "victim")
			_ = os.Symlink(victim, filepath.Join(state, "fw.lock"))
			_, err := AcquireLock(context.Background(), state, "fw", time.Second, &bytes.Buffer{})
			mustContainAll(t, err, ErrUnsafeState, "state directory "+state+": ", c.found,
				"required: a directory owned by uid 0, not writable by group or others",
				"fix: chown 0:0 "+state+" && chmod 0700 "+state)
			if _, err := os.Lstat(victim); err == nil {
				t.Errorf("%s was created through the planted symbolic link", victim)
			}
		})
	}
}

// TestUnsafeLockFileRefused: a lock file that is a symbolic link (never
// followed), not a regular file, or another user's, is refused by name.
func TestUnsafeLockFileRefused(t *testing.T) {
	nstest.RequireRoot(t)
	cases := []struct {
		name string
		make func(t *testing.T, lock string)
		want []string
	}{
		{"symbolic link", func(t *testing.T, lock string) {
			if err := os.Symlink(filepath.Join(filepath.Dir(lock), "victim"), lock); err != nil {
				t.Fatal(err)
			}
		}, []string{"is a symbolic link", "remove it"}},
		{"owned by nobody", func(t *testing.T, lock string) {
			if err := os.WriteFile(lock, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(lock, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}, []string{"found regular file owned by uid 65534 with mode 0600", "required: a regular file owned by uid 0", "remove it"}},
		{"fifo", func(t *testing.T, lock string) {
			if out, err := exec.Command("mkfifo", "-m", "0600", lock).CombinedOutput(); err != nil {
				t.Fatalf("mkfifo: %v: %s", err, out)
			}
		}, []string{"found special file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state := filepath.Join(openDir(t), "vserverx")
			mkdirOwned(t, state, 0o700, 0)
			lock := LockPath(state, "fw")
			c.make(t, lock)
			_, err := AcquireLock(context.Background(), state, "fw", time.Second, &bytes.Buffer{})
			mustContainAll(t, err, ErrUnsafeState, append([]string{"lock file " + lock}, c.want...)...)
			if _, err := os.Lstat(filepath.Join(state, "victim")); err == nil {
				t.Error("the symbolic link was followed")
			}
		})
	}
}

func mkdirOwned(t *testing.T, dir string, mode os.FileMode, uid int) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, uid); err != nil {
		t.Fatal(err)
	}
}

func mustMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode() != want {
		t.Errorf("%s has mode %v, want %v", path, st.Mode(), want)
	}
}

// mustContainAll fails unless err wraps target and its message contains
// every one of want.
func mustContainAll(t *testing.T, err, target error, want ...string) {
	t.Helper()
	if err == nil || !errors.Is(err, target) {
		t.Fatalf("want an error wrapping %v, got %v", target, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
