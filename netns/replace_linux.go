// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Replace replaces the current process by path (execve) running inside n.
// It only returns on failure. execve keeps the namespaces of the calling
// thread, so it runs on a thread that is moved into n and never moved back
// (onDiscardedThread): if exec fails, that thread is discarded and the
// process keeps no thread in n.
//
// Equivalent to: exec ip netns exec X CMD (without the mount changes).
func Replace(n *NS, path string, argv, env []string) error {
	return onDiscardedThread(func() error {
		if err := unix.Setns(n.Fd(), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("entering namespace %s: %w", n.Name, err)
		}
		return syscall.Exec(path, argv, env)
	})
}
