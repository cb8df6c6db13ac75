// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseID reads a network namespace's identity as readlink
// /proc/PID/ns/net prints it ("net:[INODE]") and returns the inode.
func ParseID(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	inner, okPrefix := strings.CutPrefix(s, "net:[")
	inner, okSuffix := strings.CutSuffix(inner, "]")
	ino, err := strconv.ParseUint(inner, 10, 64)
	if !okPrefix || !okSuffix || err != nil || ino == 0 {
		return 0, fmt.Errorf("%q is not a network namespace (want net:[INODE])", s)
	}
	return ino, nil
}

// PidsInID lists, sorted, the processes that have a thread in the network
// namespace with inode ino, whether or not it has a name (all namespace
// files are on the one nsfs, whose device /proc/self/ns/net gives).
func PidsInID(ino uint64) ([]int, error) {
	var self unix.Stat_t
	if err := unix.Stat("/proc/self/ns/net", &self); err != nil {
		return nil, fmt.Errorf("stat /proc/self/ns/net: %w", err)
	}
	pids, err := pidsWithNetns("/proc", self.Dev, ino)
	if err != nil {
		return nil, fmt.Errorf("network namespace net:[%d]: list processes: %w", ino, err)
	}
	return pids, nil
}

// OpenPid opens the network namespace of process pid, which must be the
// one with inode ino, as namespace name (it may have no name: Path is
// then empty). It is for looking into a namespace whose name was
// removed and for giving it its name back (Attach).
func OpenPid(name string, pid int, ino uint64) (*NS, error) {
	src := fmt.Sprintf("/proc/%d/ns/net", pid)
	fd, err := openNetns(src)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: process %d: %w", name, pid, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("network namespace %s: stat %s: %w", name, src, err)
	}
	if st.Ino != ino {
		unix.Close(fd)
		return nil, fmt.Errorf("network namespace %s: process %d is in net:[%d], not in net:[%d]", name, pid, st.Ino, ino)
	}
	return &NS{Name: name, fd: fd, dirUndo: NoUndo}, nil
}

// ID returns the inode of the namespace (what readlink /proc/PID/ns/net
// shows as net:[INODE]).
func (n *NS) ID() (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(n.fd, &st); err != nil {
		return 0, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	return st.Ino, nil
}

// Attach gives the open namespace n (from OpenPid) the name DIR/NAME
// (NAME is n.Name) again, as `ip netns attach` does: DIR is prepared as
// Create does, DIR/NAME created exclusively and n bind-mounted onto it, in
// the host's mount namespace. A stale plain file at DIR/NAME is replaced;
// a name that already holds a namespace is an error. On success n.Path is
// set; the undo removes the name again (the namespace lives on in its
// processes) and undoes what was done to DIR. On failure nothing is left
// behind.
//
// Equivalent to: ip netns attach NAME PID.
func Attach(dir string, n *NS) (Undo, error) {
	path, err := nsPath(dir, n.Name)
	if err != nil {
		return NoUndo, err
	}
	ino, err := n.ID()
	if err != nil {
		return NoUndo, err
	}
	if err := freeName(dir, n.Name); err != nil {
		return NoUndo, err
	}
	err = onDiscardedThread(func() error {
		if err := enterHostMountNS(); err != nil {
			return err
		}
		return n.attach(path, ino)
	})
	if err != nil {
		return NoUndo, fmt.Errorf("name network namespace %s (%s) again: %w", n.Name, path, err)
	}
	n.Path = path
	return n.deleteUndo(dir), nil
}

// freeName makes sure DIR/NAME is free for Attach: missing, or a stale
// plain file, which is removed.
func freeName(dir, name string) error {
	old, err := Open(dir, name)
	switch {
	case err == nil:
		old.Close()
		return fmt.Errorf("network namespace %s: %s already names a network namespace", name, old.Path)
	case errors.Is(err, ErrStale):
		return removeStale(dir, name)
	case errors.Is(err, ErrNotExist):
		return nil
	}
	return err
}

// attach runs on a discarded thread in the host mount namespace: it binds
// the namespace of n's descriptor onto path and checks that path then is
// the namespace with inode ino.
func (n *NS) attach(path string, ino uint64) error {
	dirUndo, err := prepareNetnsDir(filepath.Dir(path))
	if err != nil {
		return err
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return errors.Join(fmt.Errorf("create %s: %w", path, err), dirUndo())
	}
	unix.Close(fd)
	src := fmt.Sprintf("/proc/thread-self/fd/%d", n.fd)
	if err := unix.Mount(src, path, "none", unix.MS_BIND, ""); err != nil {
		return errors.Join(fmt.Errorf("bind-mount net:[%d] onto %s: %w", ino, path, err), removeFile(path), dirUndo())
	}
	if err := checkNamed(path, ino); err != nil {
		return errors.Join(err, detachAndRemove(path), dirUndo())
	}
	n.dirUndo = dirUndo
	return nil
}

// checkNamed checks that path is now the network namespace with inode ino.
func checkNamed(path string, ino uint64) error {
	fd, err := openNetns(path)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Ino != ino {
		return fmt.Errorf("%s is net:[%d] after the bind mount, not net:[%d]", path, st.Ino, ino)
	}
	return nil
}

// OwnLinkNames lists, by their names inside n, the links in n that carry
// vserverx's alias for namespace n.Name (vserverx:X:N): links vserverx made
// for X. A namespace without any is not known to be X.
//
// Equivalent to: ip -n X -d link show, keeping the links whose alias is
// vserverx:X:N.
func OwnLinkNames(n *NS) ([]string, error) {
	h, err := n.NewHandle()
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	defer h.Close()
	own, err := ownLinks(h, n.Name)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	names := make([]string, len(own))
	for i, l := range own {
		names[i] = l.link.Attrs().Name
	}
	return names, nil
}
