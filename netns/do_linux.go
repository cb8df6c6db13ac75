// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// errNotOpen is the error of work on a closed (or nil) NS.
var errNotOpen = errors.New("network namespace is not open")

// Do runs fn on an OS thread inside n and returns its error. fn runs on a
// fresh goroutine locked to a thread that is not the main thread
// (onWorkerThread); the thread is switched back and unlocked afterwards, and
// discarded by the Go runtime when switching back failed. fn must not start
// goroutines: they would run in another namespace.
//
// Equivalent to: ip netns exec NAME (for Go code).
func (n *NS) Do(fn func() error) error {
	if n == nil || n.fd < 0 {
		return errNotOpen
	}
	return onWorkerThread(func() (bool, error) { return n.doIn(fn) })
}

// doIn runs fn inside n on the calling, locked thread and switches it
// back. clean is false when switching back failed: the thread is still in n.
func (n *NS) doIn(fn func() error) (clean bool, err error) {
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return true, fmt.Errorf("open the current network namespace: %w", err)
	}
	defer unix.Close(orig)
	if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
		return true, fmt.Errorf("enter network namespace %s: %w", n.Name, err)
	}
	fnErr := fn()
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		return false, errors.Join(fnErr, fmt.Errorf("leave network namespace %s: %w", n.Name, err))
	}
	return true, fnErr
}

// NewHandle returns a netlink handle whose socket lives in n; it asks for
// NETLINK_ROUTE only. The caller closes it (Handle.Close).
//
// netlink.NewHandleAt opens the socket on the calling goroutine: it locks
// its thread, enters n, opens the socket and switches back (a netlink
// socket stays in the namespace it was opened in).
func (n *NS) NewHandle() (*netlink.Handle, error) {
	if n == nil {
		return nil, errNotOpen
	}
	if n.fd < 0 {
		return nil, fmt.Errorf("netlink socket in network namespace %s: %w", n.Name, errNotOpen)
	}
	h, err := netlink.NewHandleAt(vnetns.NsHandle(n.fd), unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket in network namespace %s: %w", n.Name, err)
	}
	return h, nil
}

// hostHandle returns a netlink handle in the caller's own network
// namespace, NETLINK_ROUTE only.
func hostHandle() (*netlink.Handle, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket in the host network namespace: %w", err)
	}
	return h, nil
}
