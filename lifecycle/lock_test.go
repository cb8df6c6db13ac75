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
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestLockWaitsThenTimesOut: a second holder waits, says what it waits
// for, and gives up after the timeout naming the lock file.
func TestLockWaitsThenTimesOut(t *testing.T) {
	dir := t.TempDir()
	first, err := AcquireLock(context.Background(), dir, "dmz", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	var msg bytes.Buffer
	_, err = AcquireLock(context.Background(), dir, "dmz", 100*time.Millisecond, &msg)
	if !errors.Is(err, ErrLockTimeout) || !strings.Contains(err.Error(), filepath.Join(dir, "dmz.lock")) {
		t.Fatalf("want a timeout naming the lock file, got %v", err)
	}
	if !strings.Contains(msg.String(), "waiting for namespace dmz") {
		t.Errorf("no word of waiting: %q", msg.String())
	}
}

// TestLockHandOver: a waiter gets the lock as soon as it is released.
func TestLockHandOver(t *testing.T) {
	dir := t.TempDir()
	first, err := AcquireLock(context.Background(), dir, "x", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := AcquireLock(context.Background(), dir, "x", 5*time.Second, &bytes.Buffer{})
		if err == nil {
			l.Release()
		}
		got <- err
	}()
	first.Release()
	if err := <-got; err != nil {
		t.Fatalf("waiter did not get the released lock: %v", err)
	}
	first.Release() // a second release is a no-op
}

// TestLockStateDirUnusable: a state directory that cannot be created is an
// error naming it, and nothing is created.
func TestLockStateDirUnusable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := AcquireLock(context.Background(), filepath.Join(file, "state"), "x", time.Second, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "creating state directory "+filepath.Join(file, "state")) {
		t.Fatalf("want an error naming the state directory, got %v", err)
	}
}

// TestLockFlockFails: a flock that fails for another reason than a busy
// lock is reported as such, naming the namespace and the file, at once and
// not as a timeout.
func TestLockFlockFails(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "dmz.lock"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // flock on a closed file: EBADF
	var msg bytes.Buffer
	t0 := time.Now()
	err = lockFile(context.Background(), f, "dmz", 5*time.Second, &msg)
	if !errors.Is(err, unix.EBADF) || errors.Is(err, ErrLockTimeout) ||
		!strings.HasPrefix(err.Error(), "namespace dmz: locking "+f.Name()+": ") {
		t.Fatalf("want EBADF naming the namespace and the file, got %v", err)
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("took %s: it waited", d)
	}
	if msg.Len() != 0 {
		t.Errorf("said it waits: %q", msg.String())
	}
}

// TestLockFileUnusable: a lock file that cannot be opened (a directory in
// its place) is an error naming it.
func TestLockFileUnusable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "dmz.lock"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := AcquireLock(context.Background(), dir, "dmz", time.Second, &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "opening lock file "+filepath.Join(dir, "dmz.lock")+": ") {
		t.Fatalf("want an error naming the lock file, got %v", err)
	}
}

// TestLockWaitCancelled: a waiter stops waiting when its context ends,
// long before the timeout, with an error that says so, names the lock file
// and wraps the context's cause; the holder keeps the lock.
func TestLockWaitCancelled(t *testing.T) {
	dir := t.TempDir()
	first, err := AcquireLock(context.Background(), dir, "dmz", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	begun := time.Now()
	_, err = AcquireLock(ctx, dir, "dmz", 3*time.Second, &bytes.Buffer{})
	want := "namespace dmz: stopped waiting for the lock " + filepath.Join(dir, "dmz.lock") + ": cancelled: context canceled"
	if err == nil || err.Error() != want || !errors.Is(err, context.Canceled) || errors.Is(err, ErrLockTimeout) {
		t.Fatalf("got %v, want %q", err, want)
	}
	if d := time.Since(begun); d > 2*time.Second {
		t.Errorf("returned after %s, not when the context ended", d)
	}
	if _, err := AcquireLock(context.Background(), dir, "dmz", 0, &bytes.Buffer{}); !errors.Is(err, ErrLockTimeout) {
		t.Errorf("the holder lost the lock: %v", err)
	}
}
