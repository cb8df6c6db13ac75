// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// spdxLine is the licence tag every source file carries near its top.
const spdxLine = "SPDX-License-Identifier: Apache-2.0"

// TestLicenceFile: the repository's LICENSE is the Apache License 2.0.
func TestLicenceFile(t *testing.T) {
	text := readFile(t, filepath.Join(repoRoot, "LICENSE"))
	for _, want := range []string{"Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS"} {
		if !strings.Contains(text, want) {
			t.Errorf("LICENSE lacks %q: it is not the Apache License 2.0", want)
		}
	}
}

// TestSourcesCarrySPDX: every Go file, every script (a file starting with
// "#!") and every makefile outside the test fixtures names the licence in
// its first three lines.
func TestSourcesCarrySPDX(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return skipUnlicensedDir(repoRoot, path)
		}
		if !needsSPDX(t, path) {
			return nil
		}
		checked++
		if !hasSPDX(t, path) {
			t.Errorf("%s: no %q in its first three lines", path, spdxLine)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("checked only %d files for the licence tag: the walk missed the sources", checked)
	}
}

// skipUnlicensedDir skips what is not source: git's data, build output,
// caches and the configuration trees the tests read (whose line numbers
// the tests expect).
func skipUnlicensedDir(root, path string) error {
	rel, _ := filepath.Rel(root, path)
	switch rel {
	case ".git", "bin", ".cache", "testdata/confdirs", "testdata/broken":
		return filepath.SkipDir
	}
	return nil
}

// needsSPDX says whether a file is a source file: Go, a makefile, or a
// script.
func needsSPDX(t *testing.T, path string) bool {
	base := filepath.Base(path)
	if strings.HasSuffix(base, ".go") || base == "Makefile" || strings.HasSuffix(base, ".mk") {
		return true
	}
	head := firstLines(t, path, 1)
	return len(head) == 1 && strings.HasPrefix(head[0], "#!")
}

func hasSPDX(t *testing.T, path string) bool {
	for _, line := range firstLines(t, path, 3) {
		if strings.Contains(line, spdxLine) {
			return true
		}
	}
	return false
}

// firstLines returns up to n lines from the top of a file.
func firstLines(t *testing.T, path string, n int) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for len(lines) < n && s.Scan() {
		lines = append(lines, s.Text())
	}
	return lines
}
