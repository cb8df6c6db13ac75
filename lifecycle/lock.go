package lifecycle

import (
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

// AcquireLock takes the lock of namespace x under stateDir, waiting at most
// timeout. When it has to wait it says so once on w (what it waits for).
func AcquireLock(stateDir, x string, timeout time.Duration, w io.Writer) (*Lock, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating state directory %s: %w", stateDir, err)
	}
	path := filepath.Join(stateDir, x+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}
	if err := lockFile(f, x, timeout, w); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// lockFile takes the flock of f, the lock file of namespace x, as
// AcquireLock does.
func lockFile(f *os.File, x string, timeout time.Duration, w io.Writer) error {
	err := waitFlock(f, timeout, func() {
		fmt.Fprintf(w, "vserverx: waiting for namespace %s: another vserverx holds %s\n", x, f.Name())
	})
	switch {
	case errors.Is(err, ErrLockTimeout):
		return fmt.Errorf("namespace %s: %w %s after %s (another vserverx start or stop of this group is still running)", x, ErrLockTimeout, f.Name(), timeout)
	case err != nil:
		return fmt.Errorf("namespace %s: locking %s: %w", x, f.Name(), err)
	}
	return nil
}

// waitFlock polls LOCK_EX|LOCK_NB until it succeeds or timeout passes;
// waiting is called once, the first time the lock is busy.
func waitFlock(f *os.File, timeout time.Duration, waiting func()) error {
	deadline := time.Now().Add(timeout)
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
		time.Sleep(lockPoll)
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
