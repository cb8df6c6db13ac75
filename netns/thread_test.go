// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestWorkerThreadAvoidsMainThread: a goroutine that lands on the main
// thread does not do the work there; it hands it to another thread and
// returns the work's error.
func TestWorkerThreadAvoidsMainThread(t *testing.T) {
	var mainTid, workTid int
	orig := isMainThread
	t.Cleanup(func() { isMainThread = orig })
	isMainThread = func() bool {
		if mainTid == 0 { // pretend the first thread asked is the main thread
			mainTid = unix.Gettid()
			return true
		}
		return false
	}
	boom := errors.New("boom")
	err := onWorkerThread(func() (bool, error) { workTid = unix.Gettid(); return true, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("onWorkerThread returned %v, want the work's error", err)
	}
	if workTid == 0 || workTid == mainTid {
		t.Fatalf("work ran on thread %d, the pretended main thread is %d: want another thread", workTid, mainTid)
	}
}

// TestWorkerThreadDiscarded: a thread the work does not call clean ends
// with its goroutine (the runtime discards it); a clean one is kept.
func TestWorkerThreadDiscarded(t *testing.T) {
	alive := func(tid int) bool {
		_, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid))
		return err == nil
	}
	var dirty, clean int
	_ = onWorkerThread(func() (bool, error) { dirty = unix.Gettid(); return false, nil })
	_ = onWorkerThread(func() (bool, error) { clean = unix.Gettid(); return true, nil })
	for deadline := time.Now().Add(2 * time.Second); alive(dirty) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(dirty) {
		t.Errorf("thread %d, not clean, still exists: want it discarded", dirty)
	}
	if dirty == clean || !alive(clean) {
		t.Errorf("clean thread %d (dirty one %d) is gone: want it back in the runtime's pool", clean, dirty)
	}
}

// TestNewHandleClosed: a closed or nil namespace has no handle; the error
// says so and names the namespace.
func TestNewHandleClosed(t *testing.T) {
	if _, err := (&NS{Name: "gone", fd: -1}).NewHandle(); !errors.Is(err, errNotOpen) || !errContains(err, "network namespace gone") {
		t.Errorf("NewHandle on a closed namespace: %v", err)
	}
	var nilNS *NS
	if _, err := nilNS.NewHandle(); !errors.Is(err, errNotOpen) {
		t.Errorf("NewHandle on a nil namespace: %v", err)
	}
}

func errContains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }
