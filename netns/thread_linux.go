// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// hostMountNS is the mount namespace every named namespace lives in: PID
// 1's (a variable so that tests can make it unreachable).
var hostMountNS = "/proc/1/ns/mnt"

// ErrNoHostMountNS is wrapped by the error of work that must happen in PID
// 1's mount namespace when that cannot be reached (inside some containers:
// /proc/1 hidden or not permitted).
var ErrNoHostMountNS = errors.New("cannot reach PID 1's mount namespace")

// noHostMountNS is the error for cause, a failure to reach hostMountNS: it
// says what vserverx needs it for and what to do instead.
func noHostMountNS(cause error) error {
	return fmt.Errorf("%w (%v): vserverx creates and deletes named network namespaces in the host's mount namespace, PID 1's, "+
		"so that `ip netns` on the host sees them; run vserverx as root in the host's PID namespace with access to /proc/1 "+
		"(not inside a container that hides it), or create the namespace on the host first (ip netns add X): vserverx then only joins it",
		ErrNoHostMountNS, cause)
}

// onWorkerThread runs fn on a fresh goroutine locked to an OS thread that
// is not the process's main thread, and returns fn's error. When fn says
// the thread is clean, it is unlocked and goes back to the runtime;
// otherwise the goroutine ends locked and the Go runtime discards the
// thread with whatever namespace or fs state fn left on it.
//
// The main thread is never used: the runtime cannot end it and would keep
// it, dirty, for the rest of the process. When the goroutine lands there it
// holds that thread while a nested goroutine (necessarily on another
// thread) does the work, and then releases it untouched.
func onWorkerThread(fn func() (clean bool, err error)) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if isMainThread() {
			errc <- onWorkerThread(fn)
			runtime.UnlockOSThread()
			return
		}
		clean, err := fn()
		if clean {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// isMainThread reports whether the calling thread is the process's main
// thread (a variable so that tests can pretend it is).
var isMainThread = func() bool { return unix.Gettid() == unix.Getpid() }

// onDiscardedThread runs fn on a worker thread (onWorkerThread) that is
// never given back: the runtime discards it when fn returns.
func onDiscardedThread(fn func() error) error {
	return onWorkerThread(func() (bool, error) { return false, fn() })
}

// sameNamespace reports whether two /proc namespace links name the same
// namespace.
func sameNamespace(a, b string) (bool, error) {
	var sa, sb unix.Stat_t
	if err := unix.Stat(a, &sa); err != nil {
		return false, fmt.Errorf("stat %s: %w", a, err)
	}
	if err := unix.Stat(b, &sb); err != nil {
		return false, fmt.Errorf("stat %s: %w", b, err)
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}

// enterHostMountNS moves the calling, locked thread into PID 1's mount
// namespace when it is not there yet. It first gives the thread its own fs
// attributes (unshare CLONE_FS), which setns requires. The thread must be
// discarded afterwards.
func enterHostMountNS() error {
	same, err := sameNamespace("/proc/thread-self/ns/mnt", hostMountNS)
	if err != nil {
		return noHostMountNS(err)
	}
	if same {
		return nil
	}
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare CLONE_FS before entering the host mount namespace: %w", err)
	}
	fd, err := unix.Open(hostMountNS, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return noHostMountNS(fmt.Errorf("open %s: %w", hostMountNS, err))
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNS); err != nil {
		return noHostMountNS(fmt.Errorf("enter %s: %w", hostMountNS, err))
	}
	return nil
}

// inHostMountNS runs fn in PID 1's mount namespace: directly when the
// caller is already there, else on a discarded thread that entered it.
func inHostMountNS(fn func() error) error {
	same, err := sameNamespace("/proc/thread-self/ns/mnt", hostMountNS)
	if err != nil {
		return noHostMountNS(err)
	}
	if same {
		return fn()
	}
	return onDiscardedThread(func() error {
		if err := enterHostMountNS(); err != nil {
			return err
		}
		return fn()
	})
}
