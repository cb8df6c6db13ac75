// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package configtest writes confdirs for tests: a map from a path relative
// to the confdir to its content stands for the files of util-vserver's
// one-value-per-file configuration.
package configtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteFiles writes files below dir: each key is a path relative to dir
// and its value the file's content; a key ending in "/" makes an (empty)
// directory, and a content starting with "->" a symbolic link to the
// rest. Missing parent directories are created (mode 0755), files get
// mode 0644.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		if err := writeOne(filepath.Join(dir, rel), strings.HasSuffix(rel, "/"), content); err != nil {
			t.Fatal(err)
		}
	}
}

// Confdir writes files (as WriteFiles) into a fresh temporary directory
// and returns its path.
func Confdir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	WriteFiles(t, dir, files)
	return dir
}

// writeOne makes path: a directory, a symbolic link ("->TARGET") or a file
// with content.
func writeOne(path string, isDir bool, content string) error {
	if isDir {
		return os.MkdirAll(path, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if target, ok := strings.CutPrefix(content, "->"); ok {
		return os.Symlink(target, path)
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
