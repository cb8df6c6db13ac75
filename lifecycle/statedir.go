// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// ErrUnsafeState is wrapped by the errors of a state directory or lock
// file that another user could create, replace or open.
var ErrUnsafeState = errors.New("unsafe state")

// stateDirMode and lockFileMode are the modes vserverx gives what it
// creates under the state directory: only its owner (root) may enter the
// directory and open the files, so no other user can hold a lock.
const (
	stateDirMode = 0o700
	lockFileMode = 0o600
)

// SecureStateDir makes sure dir is vserverx's state directory and that
// only this user (root) can change it: it is created 0700 when missing; an
// existing one must be a directory (not a symbolic link) owned by this user
// and not writable by group or others, and is then tightened to 0700. The
// refusal names the path, what was found, what is required and how to fix
// it, as sshd's StrictModes does.
//
// Equivalent to: install -d -m 0700 -o root -g root DIR.
func SecureStateDir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("creating state directory %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, stateDirMode); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating state directory %s: %w", dir, err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	if err := checkOwned(dir, "state directory", &st, unix.S_IFDIR, 0o022); err != nil {
		return fmt.Errorf("%w; fix: chown %d:%d %s && chmod 0700 %s (or remove it: vserverx creates it)", err, os.Geteuid(), os.Getegid(), dir, dir)
	}
	if st.Mode&0o7777 != stateDirMode {
		if err := os.Chmod(dir, stateDirMode); err != nil {
			return fmt.Errorf("state directory %s: chmod 0700: %w", dir, err)
		}
	}
	return nil
}

// checkOwned refuses st, the status of path (what names what it is), when
// it is not of file type kind, not owned by this user, or has any of the
// permission bits in forbidden.
func checkOwned(path, what string, st *unix.Stat_t, kind uint32, forbidden uint32) error {
	found := fmt.Sprintf("found %s owned by uid %d with mode %04o", fileKind(st.Mode), st.Uid, st.Mode&0o7777)
	required := fmt.Sprintf("required: a %s owned by uid %d", fileKind(kind), os.Geteuid())
	if forbidden&0o022 != 0 {
		required += ", not writable by group or others"
	}
	if st.Mode&unix.S_IFMT != kind || int(st.Uid) != os.Geteuid() || st.Mode&forbidden != 0 {
		return fmt.Errorf("%w: %s %s: %s; %s", ErrUnsafeState, what, path, found, required)
	}
	return nil
}

// fileKind names the file type in mode.
func fileKind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFREG:
		return "regular file"
	case unix.S_IFLNK:
		return "symbolic link"
	}
	return fmt.Sprintf("special file (type %06o)", mode&unix.S_IFMT)
}

// openLockFile opens (creating it 0600) the lock file at path without
// following a symbolic link, and refuses anything but a regular file owned
// by this user. A lock file others could open is tightened to 0600.
func openLockFile(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, lockFileMode)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("%w: lock file %s is a symbolic link; required: a regular file owned by uid %d: remove it", ErrUnsafeState, path, os.Geteuid())
	}
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	if err := checkLockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkLockFile refuses an open lock file that is not a regular file owned
// by this user, and removes group and other permissions from one that has
// them.
func checkLockFile(f *os.File) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return fmt.Errorf("lock file %s: %w", f.Name(), err)
	}
	if err := checkOwned(f.Name(), "lock file", &st, unix.S_IFREG, 0); err != nil {
		return fmt.Errorf("%w: remove it", err)
	}
	if st.Mode&0o777 != lockFileMode {
		if err := unix.Fchmod(int(f.Fd()), lockFileMode); err != nil {
			return fmt.Errorf("lock file %s: chmod 0600: %w", f.Name(), err)
		}
	}
	return nil
}
