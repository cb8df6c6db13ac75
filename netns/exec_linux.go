// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// ExecOptions says what StartIn does besides entering the network
// namespace. Any option gives the child its own mount namespace whose / is
// made rslave first (so nothing the child mounts or unmounts reaches the
// host); FreshSys and EtcNetns imply RSlave. All three together are what
// `ip netns exec NAME` does.
type ExecOptions struct {
	RSlave   bool // child gets its own mount namespace with / made rslave (ip netns exec does this)
	FreshSys bool // ... and a fresh sysfs on /sys
	EtcNetns bool // ... and /etc/netns/NAME/* bind-mounted over /etc/*
}

// etcDir is where EtcNetns looks for netns/NAME and binds over.
const etcDir = "/etc"

// needsMountNS reports whether any option needs the child's own mount namespace.
func (o ExecOptions) needsMountNS() bool { return o.RSlave || o.FreshSys || o.EtcNetns }

// StartIn starts cmd (cmd.Start semantics: the caller Waits) with its
// network namespace = n (n == nil: the caller's), stdio as set on cmd.
//
// Without options the child is forked on a locked thread switched into n
// and back (NS.Do); the goroutines os/exec starts to copy non-file stdio
// only move bytes between pipes, so where they run does not matter.
// With options the child is forked from a thread that first gets its own
// mount namespace and is then discarded, so cmd.SysProcAttr.Pdeathsig
// (which fires when the forking thread ends) cannot be used; StartIn
// refuses it.
//
// Equivalent to: ip netns exec NAME CMD... (all options set).
func StartIn(n *NS, cmd *exec.Cmd, opt ExecOptions) error {
	if !opt.needsMountNS() {
		if n == nil {
			return cmd.Start()
		}
		return n.Do(cmd.Start)
	}
	if cmd.SysProcAttr != nil && cmd.SysProcAttr.Pdeathsig != 0 {
		return fmt.Errorf("start %s: Pdeathsig cannot be combined with a private mount namespace (the forking thread is discarded)", cmd.Path)
	}
	if opt.EtcNetns && n == nil {
		return fmt.Errorf("start %s: /etc/netns binding needs a named network namespace", cmd.Path)
	}
	return onDiscardedThread(func() error {
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("start %s: open the current network namespace: %w", cmd.Path, err)
		}
		defer unix.Close(orig)
		// Leave n again once the child is forked, so that this thread,
		// discarded later, is not counted among n's users (Pids).
		defer unix.Setns(orig, unix.CLONE_NEWNET)
		if err := prepareExecThread(n, opt); err != nil {
			return fmt.Errorf("start %s in network namespace %s: %w", cmd.Path, nsName(n), err)
		}
		return cmd.Start()
	})
}

// nsName names n for messages.
func nsName(n *NS) string {
	if n == nil {
		return "(current)"
	}
	return n.Name
}

// prepareExecThread dirties the calling, discarded thread: own mount
// namespace with / rslave, network namespace n, fresh /sys, /etc/netns.
func prepareExecThread(n *NS, opt ExecOptions) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare a mount namespace: %w", err)
	}
	if err := unix.Mount("", "/", "none", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make / rslave: %w", err)
	}
	if n != nil {
		if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("enter the network namespace: %w", err)
		}
	}
	if opt.FreshSys {
		if err := mountFreshSys(); err != nil {
			return err
		}
	}
	if opt.EtcNetns {
		return bindEtcNetns(etcDir, n.Name)
	}
	return nil
}

// mountFreshSys replaces /sys by a sysfs of the thread's network namespace,
// read-only when the old one was, as ip netns exec does.
func mountFreshSys() error {
	var flags uintptr
	var st unix.Statfs_t
	if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY != 0 {
		flags = unix.MS_RDONLY
	}
	if err := unix.Unmount("/sys", unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("unmount /sys: %w", err)
	}
	if err := unix.Mount("sysfs", "/sys", "sysfs", flags, ""); err != nil {
		return fmt.Errorf("mount a fresh sysfs on /sys: %w", err)
	}
	return nil
}

// bindEtcNetns bind-mounts each ETC/netns/NAME/F over ETC/F. A missing
// ETC/netns/NAME is fine.
func bindEtcNetns(etc, name string) error {
	src := filepath.Join(etc, "netns", name)
	entries, err := os.ReadDir(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(etc, e.Name())
		if err := unix.Mount(from, to, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s over %s: %w", from, to, err)
		}
	}
	return nil
}

// Own stands for the caller's own network namespace where an *NS is
// asked for: it is a nil *NS, which StartIn and the methods below take as
// the caller's.
func Own() *NS { return nil }

// NetnsName returns n's name; "" for the caller's own namespace (nil).
func (n *NS) NetnsName() string {
	if n == nil {
		return ""
	}
	return n.Name
}

// StartRSlave starts cmd inside n (nil: the caller's namespace) in a mount
// namespace of its own whose root is rslave: StartIn with RSlave.
//
// Equivalent to: ip netns exec NAME CMD... (without the fresh /sys and
// /etc/netns).
func (n *NS) StartRSlave(cmd *exec.Cmd) error {
	return StartIn(n, cmd, ExecOptions{RSlave: true})
}
