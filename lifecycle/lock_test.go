package lifecycle

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLockWaitsThenTimesOut: a second holder waits, says what it waits
// for, and gives up after the timeout naming the lock file.
func TestLockWaitsThenTimesOut(t *testing.T) {
	dir := t.TempDir()
	first, err := AcquireLock(dir, "dmz", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	var msg bytes.Buffer
	_, err = AcquireLock(dir, "dmz", 100*time.Millisecond, &msg)
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
	first, err := AcquireLock(dir, "x", time.Second, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := AcquireLock(dir, "x", 5*time.Second, &bytes.Buffer{})
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
	_, err := AcquireLock(filepath.Join(file, "state"), "x", time.Second, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "creating state directory "+filepath.Join(file, "state")) {
		t.Fatalf("want an error naming the state directory, got %v", err)
	}
}
