// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// ErrNotExist is wrapped by errors about a named namespace that does not
// exist (errors.Is(err, ErrNotExist)).
var ErrNotExist = errors.New("named network namespace does not exist")

// ErrStale is wrapped by errors about a namespace file that is a plain file,
// not an nsfs mount: left behind by a crash, or its mount was removed by
// someone else (util-vserver's namespace cleanup does that).
var ErrStale = errors.New("stale namespace file (a plain file, not a mounted network namespace)")

// NS is an open named network namespace DIR/NAME.
type NS struct {
	Name string // NAME
	Path string // DIR/NAME, in the host's mount namespace

	// Replaced is set by Ensure when it replaced a stale plain file at
	// Path; it says what was found. Callers should report it.
	Replaced string

	fd      int  // open nsfs file of the namespace; -1 once closed
	dirUndo Undo // undoes what Create did to DIR itself (mkdir, bind, shared)
}

// Fd returns the file descriptor of the namespace (valid until Close).
func (n *NS) Fd() int { return n.fd }

// Close releases the namespace's file descriptor. The named namespace
// stays.
func (n *NS) Close() error {
	if n == nil || n.fd < 0 {
		return nil
	}
	err := unix.Close(n.fd)
	n.fd = -1
	if err != nil {
		return fmt.Errorf("close network namespace %s: %w", n.Name, err)
	}
	return nil
}

// nsPath returns the absolute, symlink-free path DIR/NAME after checking
// NAME with config.ValidateNamespaceName (a plain file name whose aliases
// fit).
func nsPath(dir, name string) (string, error) {
	if err := config.ValidateNamespaceName(name); err != nil {
		return "", fmt.Errorf("invalid network namespace name: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("network namespace directory %s: %w", dir, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return filepath.Join(abs, name), nil
}

// Create makes the named network namespace DIR/NAME as `ip netns add NAME`
// does: DIR becomes a shared mount point (bound onto itself first when it is
// not a mount point), DIR/NAME is created exclusively and a new network
// namespace is bind-mounted onto it. The mount work happens in the host's
// (PID 1's) mount namespace. On failure nothing is left behind and the
// calling thread is untouched (the work runs on a thread that is
// discarded).
func Create(dir, name string) (*NS, error) {
	path, err := nsPath(dir, name)
	if err != nil {
		return nil, err
	}
	n := &NS{Name: name, Path: path, fd: -1, dirUndo: NoUndo}
	err = onDiscardedThread(func() error {
		if err := enterHostMountNS(); err != nil {
			return err
		}
		return n.create()
	})
	if err != nil {
		return nil, fmt.Errorf("create network namespace %s (%s): %w", name, path, err)
	}
	return n, nil
}

// create runs on a discarded thread in the host mount namespace.
func (n *NS) create() error {
	dirUndo, err := prepareNetnsDir(filepath.Dir(n.Path))
	if err != nil {
		return err
	}
	fd, err := unix.Open(n.Path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return errors.Join(fmt.Errorf("create %s: %w", n.Path, err), dirUndo())
	}
	unix.Close(fd)
	if err := bindNewNetns(n.Path); err != nil {
		return errors.Join(err, removeFile(n.Path), dirUndo())
	}
	if n.fd, err = openNetns(n.Path); err != nil {
		return errors.Join(err, detachAndRemove(n.Path), dirUndo())
	}
	n.dirUndo = dirUndo
	return nil
}

// bindNewNetns gives the calling (discarded) thread a new network namespace,
// bind-mounts it onto path and returns the thread to its original network
// namespace, so that it does not linger in the new one until it ends.
func bindNewNetns(path string) error {
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the current network namespace: %w", err)
	}
	defer unix.Close(orig)
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare a new network namespace: %w", err)
	}
	defer unix.Setns(orig, unix.CLONE_NEWNET) // best effort: the thread is discarded anyway
	if err := unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mount the new network namespace onto %s: %w", path, err)
	}
	return nil
}

// prepareNetnsDir makes dir exist and be a shared mount point, as iproute2
// does, and returns the undo of exactly what it changed. The undo leaves dir
// alone when it is no longer empty (another namespace was made meanwhile).
func prepareNetnsDir(dir string) (Undo, error) {
	created, err := mkdirAllRecord(dir)
	if err != nil {
		return NoUndo, err
	}
	var steps undoStack
	steps.push(removeDirs(created))
	m, err := mountAt(dir)
	if err != nil {
		return NoUndo, steps.rollback(err)
	}
	if m == nil {
		if err := unix.Mount(dir, dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return NoUndo, steps.rollback(fmt.Errorf("bind-mount %s onto itself: %w", dir, err))
		}
		steps.push(func() error { return unmountIfEmpty(dir) })
	}
	if m == nil || !m.Shared {
		if err := unix.Mount("", dir, "none", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
			return NoUndo, steps.rollback(fmt.Errorf("make %s a shared mount: %w", dir, err))
		}
		if m != nil {
			steps.push(restorePropagation(dir, m.Slave))
		}
	}
	return ifNoMountsBelow(dir, steps.undo()), nil
}

// ifNoMountsBelow runs u only while nothing is mounted below dir: once
// another named namespace lives there, dir stays as it is.
func ifNoMountsBelow(dir string, u Undo) Undo {
	return func() error {
		return inHostMountNS(func() error {
			below, err := mountsBelow(dir)
			if err != nil || below {
				return err
			}
			return u()
		})
	}
}

// restorePropagation makes dir private again, or slave when it was.
func restorePropagation(dir string, slave bool) Undo {
	return func() error {
		flag := uintptr(unix.MS_PRIVATE)
		if slave {
			flag = unix.MS_SLAVE
		}
		if err := unix.Mount("", dir, "none", flag|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("restore the propagation of %s: %w", dir, err)
		}
		return nil
	}
}

// unmountIfEmpty removes the self bind mount of dir unless it is busy.
func unmountIfEmpty(dir string) error {
	err := unix.Unmount(dir, 0)
	if err != nil && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("unmount %s: %w", dir, err)
	}
	return nil
}

// mkdirAllRecord creates dir and its missing parents (mode 0755) and
// returns the directories it created, outermost first.
func mkdirAllRecord(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		missing = append([]string{d}, missing...)
	}
	for i, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, errors.Join(fmt.Errorf("create directory %s: %w", d, err), removeDirs(missing[:i])())
		}
	}
	return missing, nil
}

// removeDirs removes created directories, innermost first, stopping at the
// first one that is not empty.
func removeDirs(created []string) Undo {
	return func() error {
		for i := len(created) - 1; i >= 0; i-- {
			if err := unix.Rmdir(created[i]); err != nil {
				if errors.Is(err, unix.ENOTEMPTY) || errors.Is(err, unix.EBUSY) {
					return nil
				}
				return fmt.Errorf("remove directory %s: %w", created[i], err)
			}
		}
		return nil
	}
}

// openNetns opens path and checks that it is a mounted network namespace.
func openNetns(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return -1, fmt.Errorf("%s: %w", path, ErrNotExist)
		}
		return -1, fmt.Errorf("open %s: %w", path, err)
	}
	if err := checkNetnsFd(fd, path); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// checkNetnsFd checks that fd is an nsfs file of a network namespace.
func checkNetnsFd(fd int, path string) error {
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return fmt.Errorf("statfs %s: %w", path, err)
	}
	if sfs.Type != unix.NSFS_MAGIC {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
			return fmt.Errorf("%s: %w", path, ErrStale)
		}
		return fmt.Errorf("%s is not a namespace file (filesystem type %#x, want nsfs)", path, sfs.Type)
	}
	kind, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return fmt.Errorf("%s: query namespace type: %w", path, err)
	}
	if kind != unix.CLONE_NEWNET {
		return fmt.Errorf("%s is a namespace, but not a network namespace (type %#x)", path, kind)
	}
	return nil
}

// Open adopts the existing named network namespace DIR/NAME (made by
// vserverx or by `ip netns add NAME`), checking that it really is a mounted
// network namespace. A missing name gives an error wrapping ErrNotExist, a
// plain file left by a crash one wrapping ErrStale. The file is opened in
// PID 1's mount namespace, or, when that cannot be reached (no privilege,
// /proc/1 hidden), in the caller's.
func Open(dir, name string) (*NS, error) {
	path, err := nsPath(dir, name)
	if err != nil {
		return nil, err
	}
	fd := -1
	open := func() error {
		fd, err = openNetns(path)
		return err
	}
	err = inHostMountNS(open)
	if errors.Is(err, ErrNoHostMountNS) {
		// Joining needs only the file: where it is visible here too
		// (it was made on the host and propagated, or by ip netns add in
		// this mount namespace), it is used from here.
		err = open()
	}
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", name, err)
	}
	return &NS{Name: name, Path: path, fd: fd, dirUndo: NoUndo}, nil
}

// Ensure opens DIR/NAME, or creates it when missing. A stale plain file is
// replaced, and the returned NS's Replaced field says so.
// The undo deletes the namespace, and undoes what Create did to DIR, only
// when this call created it.
func Ensure(dir, name string) (ns *NS, created bool, undo Undo, err error) {
	ns, err = Open(dir, name)
	switch {
	case err == nil:
		return ns, false, NoUndo, nil
	case errors.Is(err, ErrStale):
		if err := removeStale(dir, name); err != nil {
			return nil, false, NoUndo, err
		}
	case !errors.Is(err, ErrNotExist):
		return nil, false, NoUndo, err
	}
	stale := err
	ns, err = Create(dir, name)
	if err != nil {
		return nil, false, NoUndo, err
	}
	if errors.Is(stale, ErrStale) {
		ns.Replaced = stale.Error()
	}
	return ns, true, ns.deleteUndo(dir), nil
}

// deleteUndo returns the undo of Create: delete the name, then undo what
// was done to DIR.
func (n *NS) deleteUndo(dir string) Undo {
	dirUndo := n.dirUndo
	return func() error {
		if err := DeleteNamespace(dir, n.Name); err != nil {
			return err
		}
		return dirUndo()
	}
}

// removeStale removes a stale plain file DIR/NAME, refusing anything that
// is a mount point.
func removeStale(dir, name string) error {
	path, err := nsPath(dir, name)
	if err != nil {
		return err
	}
	return inHostMountNS(func() error {
		var stx unix.Statx_t
		if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_TYPE, &stx); err != nil {
			return fmt.Errorf("network namespace %s: stat %s: %w", name, path, err)
		}
		if stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0 || stx.Mode&unix.S_IFMT != unix.S_IFREG {
			return fmt.Errorf("network namespace %s: %s is not a plain file; refusing to replace it", name, path)
		}
		if err := removeFile(path); err != nil {
			return fmt.Errorf("network namespace %s: replace stale file: %w", name, err)
		}
		return nil
	})
}

// DeleteNamespace removes the named network namespace DIR/NAME as `ip
// netns del NAME` does: detach the mount, remove the file, retrying briefly while
// the kernel reports EBUSY. A missing namespace is not an error.
func DeleteNamespace(dir, name string) error {
	path, err := nsPath(dir, name)
	if err != nil {
		return err
	}
	err = inHostMountNS(func() error { return detachAndRemove(path) })
	if err != nil {
		return fmt.Errorf("delete network namespace %s: %w", name, err)
	}
	return nil
}

// busyRetry is how long DeleteNamespace retries on EBUSY.
const busyRetry = time.Second

// retryBusy calls op until it does not fail with EBUSY or busyRetry passed.
func retryBusy(op func() error) error {
	deadline := time.Now().Add(busyRetry)
	for {
		err := op()
		if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// detachAndRemove lazily unmounts path (when it is a mount point) and
// removes the file. A missing path is not an error.
func detachAndRemove(path string) error {
	err := retryBusy(func() error { return unix.Unmount(path, unix.MNT_DETACH) })
	switch {
	case errors.Is(err, unix.ENOENT):
		return nil
	case err != nil && !errors.Is(err, unix.EINVAL):
		return fmt.Errorf("unmount %s: %w", path, err)
	}
	return removeFile(path)
}

// removeFile removes path, retrying on EBUSY; missing is fine.
func removeFile(path string) error {
	err := retryBusy(func() error { return unix.Unlink(path) })
	if err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}
