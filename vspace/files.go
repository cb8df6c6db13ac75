// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutsideConfDir is wrapped by the error Install returns when a path it
// would write leads, through a symbolic link, out of the confdir.
var ErrOutsideConfDir = errors.New("a symbolic link leads out of the confdir")

// maxLinks bounds the symbolic links followed while resolving one path, as
// the kernel's ELOOP limit does.
const maxLinks = 40

// resolve returns the real path that writing p would create or change:
// every symbolic link on the way, also a dangling one at the end, is
// followed; missing parts are kept as they are.
func resolve(p string) (string, error) {
	return resolveDepth(filepath.Clean(p), 0)
}

func resolveDepth(p string, links int) (string, error) {
	if links > maxLinks {
		return "", fmt.Errorf("%s: too many levels of symbolic links", p)
	}
	real, err := filepath.EvalSymlinks(p)
	if err == nil {
		return real, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p, nil
	}
	rparent, err := resolveDepth(parent, links)
	if err != nil {
		return "", err
	}
	here := filepath.Join(rparent, filepath.Base(p))
	target, err := os.Readlink(here)
	if err != nil {
		return here, nil // missing: it will be created here
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(rparent, target)
	}
	return resolveDepth(target, links+1) // a dangling link: follow it
}

// within reports whether path is dir or below it (both real paths).
func within(dir, path string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

// resolveInside resolves p and refuses a result outside the real confdir.
func resolveInside(realConf, p string) (string, error) {
	real, err := resolve(p)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", p, err)
	}
	if !within(realConf, real) {
		return "", fmt.Errorf("refusing to write %s: it resolves to %s, outside the confdir %s: %w", p, real, realConf, ErrOutsideConfDir)
	}
	return real, nil
}

// WriteAtomic replaces path (a resolved path) by a file with content and
// mode perm: it writes a temporary file in the same directory, creating
// missing directories (mode 0755), and renames it over path, so readers
// see the old or the new file, never a part. The temporary file is removed
// on every error.
func WriteAtomic(path string, content []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating directory for %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".vserverx-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fillAndRename(tmp, path, content, perm); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// fillAndRename writes content to the open temporary file, sets its mode,
// syncs and closes it, and renames it to path.
func fillAndRename(tmp *os.File, path string, content []byte, perm fs.FileMode) error {
	_, err := tmp.Write(content)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readIfExists returns the content and mode of path, or exists == false
// when there is no such file.
func readIfExists(path string) (content []byte, mode fs.FileMode, exists bool, err error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, false, errors.New("not a regular file")
	}
	content, err = os.ReadFile(path)
	return content, fi.Mode().Perm(), err == nil, err
}

// lines splits a file into its lines (without the newlines).
func lines(content []byte) []string {
	s := strings.TrimSuffix(string(content), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// appendLine returns content with line added as a last line, adding the
// newline a last line without one lacks.
func appendLine(content []byte, line string) []byte {
	out := bytes.Clone(content)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(append(out, line...), '\n')
}
