// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// maxKeySize is the largest key file read; confdir files hold a few bytes.
const maxKeySize = 64 << 10

// ParseValue returns the value of a single-value key file as util-vserver
// reads it: the first line, with surrounding blanks and a CR removed.
func ParseValue(data []byte) string {
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	return strings.TrimSpace(string(line))
}

// ParseList returns the entries of a list key file (namespace-cleanup-skip,
// apps/init/mark, apps/init/depends, ip, gateway): one per line, surrounding
// blanks and CRs removed, blank lines and lines starting with '#' dropped.
func ParseList(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// reader reads key files and records every problem it meets.
type reader struct {
	probs *Problems
}

func (r reader) add(file, format string, args ...any) {
	*r.probs = append(*r.probs, Problem{File: file, Msg: fmt.Sprintf(format, args...)})
}

// read returns the content of the key file path. A missing file (or a
// dangling symlink) is absent: ok is false and nothing is recorded. A
// directory, a non-regular file, an oversized or unreadable file is a
// Problem naming it, and ok is false.
func (r reader) read(path string) (data []byte, ok bool) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		r.add(path, "cannot be read: %v", unwrapPath(err))
		return nil, false
	}
	if msg := keyFileMode(fi); msg != "" {
		r.add(path, "%s", msg)
		return nil, false
	}
	data, err = readKeyFile(path, fi.Size())
	if err != nil {
		r.add(path, "cannot be read: %v", unwrapPath(err))
		return nil, false
	}
	return data, true
}

// readKeyFile reads the whole file path, of about size bytes, with three
// system calls: open, read, close. os.ReadFile adds an fstat, fcntls and a
// poller registration per file, which Load pays for every guest's
// spaces/net. path is known to be a regular file (opening it has no side
// effect).
func readKeyFile(path string, size int64) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, size+1) // one more byte, so that EOF is seen at once
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

func keyFileMode(fi fs.FileInfo) string {
	switch {
	case fi.IsDir():
		return "is a directory; expected a file holding the value"
	case !fi.Mode().IsRegular():
		return fmt.Sprintf("is not a regular file (%s); expected a file holding the value", fi.Mode().Type())
	case fi.Size() > maxKeySize:
		return fmt.Sprintf("is %d bytes long; a key file holds at most %d bytes", fi.Size(), maxKeySize)
	}
	return ""
}

// value reads a single-value key file.
func (r reader) value(path string) (string, bool) {
	data, ok := r.read(path)
	if !ok {
		return "", false
	}
	return ParseValue(data), true
}

// list reads a list key file.
func (r reader) list(path string) ([]string, bool) {
	data, ok := r.read(path)
	if !ok {
		return nil, false
	}
	return ParseList(data), true
}

// exists reports whether path exists, without following a final symlink.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// present reports whether the key file path is there as read sees it: a
// missing file and a dangling symlink are absent, anything else (also a
// file read could not use, which it records as a Problem) is present.
// Callers use it to tell "absent" from "already reported" after read
// returned nothing.
func present(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// isDir reports whether path is (or points to) a directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// dirEntries lists a directory, sorted, leaving out dot entries. A missing
// directory is empty; any other failure is a Problem naming it.
func (r reader) dirEntries(path string) []string {
	ents, err := os.ReadDir(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		r.add(path, "cannot be listed: %v", unwrapPath(err))
		return nil
	}
	var names []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// unwrapPath drops the *fs.PathError wrapper: the Problem names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
