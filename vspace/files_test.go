// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAtomicFailures(t *testing.T) {
	dir := t.TempDir()
	// rename over a non-empty directory fails
	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteAtomic(target, []byte("x"), 0o644)
	if err == nil || !strings.HasPrefix(err.Error(), "writing "+target+": ") {
		t.Errorf("rename over a directory: %v, want an error naming %s", err, target)
	}
	noTempFiles(t, dir)
	// a regular file where a directory must be created
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "file", "sub", "x")
	err = WriteAtomic(path, []byte("x"), 0o644)
	if err == nil || !strings.HasPrefix(err.Error(), "creating directory for "+path+": ") {
		t.Errorf("mkdir under a file: %v, want an error naming %s", err, path)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "a"), 0o755))
	must(os.Symlink("a", filepath.Join(dir, "la")))
	must(os.Symlink("missing/deep", filepath.Join(dir, "dangling")))
	must(os.Symlink("loop2", filepath.Join(dir, "loop1")))
	must(os.Symlink("loop1", filepath.Join(dir, "loop2")))
	tests := map[string]string{
		"a/new/file":  "a/new/file",
		"la/x":        "a/x",
		"dangling":    "missing/deep",
		"dangling/x":  "missing/deep/x",
		"none/at/all": "none/at/all",
	}
	for in, want := range tests {
		got, err := resolve(filepath.Join(dir, in))
		if err != nil || got != filepath.Join(real, want) {
			t.Errorf("resolve(%s) = %q, %v; want %q", in, got, err, filepath.Join(real, want))
		}
	}
	if _, err := resolve(filepath.Join(dir, "loop1", "x")); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("resolve through a loop: %v", err)
	}
	for i := 0; i <= maxLinks+1; i++ { // a chain of dangling links
		must(os.Symlink(fmt.Sprintf("chain%d", i+1), filepath.Join(dir, fmt.Sprintf("chain%d", i))))
	}
	chain := filepath.Join(dir, "chain0")
	if _, err := resolve(chain); err == nil || !strings.Contains(err.Error(), ": too many levels of symbolic links") {
		t.Errorf("resolve through %d dangling links: %v", maxLinks+2, err)
	}
}
