// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/vserverx/vserverx/vspace"
)

// copyFile copies the regular file or symbolic link from to the path to,
// keeping its mode, owner and modification time; a file is written
// atomically.
func copyFile(from, to string) error {
	fi, err := os.Lstat(from)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return copySymlink(from, to)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", from)
	}
	content, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := vspace.WriteAtomic(to, content, fi.Mode().Perm()); err != nil {
		return err
	}
	return keepAttrs(to, fi)
}

func copySymlink(from, to string) error {
	target, err := os.Readlink(from)
	if err != nil {
		return err
	}
	if err := os.Remove(to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Symlink(target, to)
}

// keepAttrs gives path the owner and modification time of fi.
func keepAttrs(path string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if err := os.Lchown(path, int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	return os.Chtimes(path, fi.ModTime(), fi.ModTime())
}

// move renames from to to; across file systems it copies the tree and
// removes the original.
func move(from, to string) error {
	err := os.Rename(from, to)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	if err := copyTree(from, to, nil); err != nil {
		_ = os.RemoveAll(to)
		return err
	}
	return os.RemoveAll(from)
}

// copyTree copies the file, link or directory tree from to to, keeping
// modes; entries skip returns true for are left out. Other file types
// (sockets, devices) are left out too.
func copyTree(from, to string, skip func(path string, d fs.DirEntry) bool) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if skip != nil && skip(path, d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		r, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, r)
		switch {
		case d.IsDir():
			return copyDir(path, dst)
		case d.Type()&fs.ModeSymlink != 0 || d.Type().IsRegular():
			return copyFile(path, dst)
		}
		return nil
	})
}

func copyDir(from, to string) error {
	fi, err := os.Stat(from)
	if err != nil {
		return err
	}
	return makeDirLike(to, fi, os.MkdirAll)
}

// makeDirLike makes dir with mk, private at first, then gives it the
// permission bits of model.
func makeDirLike(dir string, model fs.FileInfo, mk func(string, fs.FileMode) error) error {
	if err := mk(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, model.Mode().Perm())
}
