package netns

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Do runs fn on an OS thread inside n and returns its error. fn runs on a
// fresh goroutine locked to its thread; the thread is switched back and
// unlocked afterwards, and discarded by the Go runtime when switching back
// failed. fn must not start goroutines: they would run in another namespace.
//
// Equivalent to: ip netns exec NAME (for Go code).
func (n *NS) Do(fn func() error) error {
	if n == nil || n.fd < 0 {
		return errors.New("network namespace is not open")
	}
	errc := make(chan error, 1)
	go func() { errc <- n.doLocked(fn) }()
	return <-errc
}

// doLocked is Do's body on its own goroutine.
func (n *NS) doLocked(fn func() error) error {
	runtime.LockOSThread()
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open the current network namespace: %w", err)
	}
	defer unix.Close(orig)
	if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter network namespace %s: %w", n.Name, err)
	}
	fnErr := fn()
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		// Stay locked: the runtime discards this thread when we return.
		return errors.Join(fnErr, fmt.Errorf("leave network namespace %s: %w", n.Name, err))
	}
	runtime.UnlockOSThread()
	return fnErr
}

// NewHandle returns a netlink handle whose socket lives in n; it asks for
// NETLINK_ROUTE only. The caller closes it (Handle.Close).
func (n *NS) NewHandle() (*netlink.Handle, error) {
	var h *netlink.Handle
	err := n.Do(func() error {
		var err error
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		return err
	})
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
