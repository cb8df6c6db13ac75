package netns

import (
	"fmt"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Replace replaces the current process by path (execve) running inside n.
// It only returns on failure. execve keeps the namespaces of the calling
// thread, so the thread is locked, moved into n, and never moved back: if
// exec fails the thread is left locked and discarded when its goroutine
// ends.
//
// Equivalent to: exec ip netns exec X CMD (without the mount changes).
func Replace(n *NS, path string, argv, env []string) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: this thread may be in n
		if err := unix.Setns(n.Fd(), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("entering namespace %s: %w", n.Name, err)
			return
		}
		errc <- syscall.Exec(path, argv, env)
	}()
	return <-errc
}
