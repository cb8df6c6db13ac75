// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// ErrLockTimeout is returned when a namespace lock could not be taken in time.
var ErrLockTimeout = errors.New("timed out waiting for the lock")

// Lock is an exclusive flock on STATEDIR/X.lock, held while vserverx
// creates, converges or tears down namespace X.
type Lock struct {
	f *os.File
}

// lockPoll is how often a waiting Acquire retries.
const lockPoll = 20 * time.Millisecond

// LockPath is the lock file of namespace x under stateDir: STATEDIR/X.lock.
func LockPath(stateDir, x string) string { return filepath.Join(stateDir, x+".lock") }

// AcquireLock takes the lock of namespace x under stateDir, waiting at most
// timeout, and less when ctx ends first. When it has to wait it says so
// once on w (what it waits for). The state directory and the lock file are
// checked first (SecureStateDir, openLockFile): no other user can create,
// replace or open them.
func AcquireLock(ctx context.Context, stateDir, x string, timeout time.Duration, w io.Writer) (*Lock, error) {
	if err := SecureStateDir(stateDir); err != nil {
		return nil, err
	}
	f, err := openLockFile(LockPath(stateDir, x))
	if err != nil {
		return nil, err
	}
	if err := lockFile(ctx, f, x, timeout, w); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// lockFile takes the flock of f, the lock file of namespace x, as
// AcquireLock does.
func lockFile(ctx context.Context, f *os.File, x string, timeout time.Duration, w io.Writer) error {
	err := waitFlock(ctx, f, timeout, func() {
		fmt.Fprintf(w, "vserverx: waiting for namespace %s: another vserverx holds %s\n", x, f.Name())
	})
	switch {
	case errors.Is(err, ErrLockTimeout):
		return fmt.Errorf("namespace %s: %w %s after %s (another vserverx start or stop of this group is still running)", x, ErrLockTimeout, f.Name(), timeout)
	case errors.Is(err, errWaitCancelled):
		return fmt.Errorf("namespace %s: stopped waiting for the lock %s: %w", x, f.Name(), err)
	case err != nil:
		return fmt.Errorf("namespace %s: locking %s: %w", x, f.Name(), err)
	}
	return nil
}

// errWaitCancelled is why waitFlock gave up when its context ended; the
// context's cause is wrapped with it.
var errWaitCancelled = errors.New("cancelled")

// waitFlock polls LOCK_EX|LOCK_NB until it succeeds, timeout passes
// (ErrLockTimeout) or ctx ends (errWaitCancelled); waiting is called once, the
// first time the lock is busy.
func waitFlock(ctx context.Context, f *os.File, timeout time.Duration, waiting func()) error {
	deadline := time.Now().Add(timeout)
	poll := time.NewTicker(lockPoll)
	defer poll.Stop()
	for first := true; ; first = false {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return err
		}
		if first {
			waiting()
		}
		if time.Now().After(deadline) {
			return ErrLockTimeout
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", errWaitCancelled, context.Cause(ctx))
		case <-poll.C:
		}
	}
}

// Release drops the lock. The lock file stays (removing it would race with
// a waiter that already opened it). Release on a nil or released lock is a
// no-op.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	l.f.Close()
	l.f = nil
}

// lock takes the lock of namespace x as start and stop do: under the state
// directory, waiting at most LockTimeout, reporting the wait on Err.
func (e *Env) lock(ctx context.Context, x string) (*Lock, error) {
	return AcquireLock(ctx, e.Paths.StateDir, x, e.LockTimeout, e.Err)
}
