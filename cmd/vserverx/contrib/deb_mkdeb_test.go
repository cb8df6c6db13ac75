// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMkdebRefuses: mkdeb.sh refuses a wrong call, a missing architecture
// and a tree without the binary, names the problem, and neither writes a
// package nor touches the tree.
func TestMkdebRefuses(t *testing.T) {
	withBinary := t.TempDir()
	writeExe(t, filepath.Join(withBinary, "vserverx"), "")
	if err := os.MkdirAll(filepath.Join(withBinary, "usr/sbin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(withBinary, "vserverx"), filepath.Join(withBinary, "usr/sbin/vserverx")); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	output := filepath.Join(t.TempDir(), "out.deb")
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no output", []string{empty, "1.0", "amd64"}, 2, "usage: mkdeb.sh ROOT VERSION ARCH OUTPUT"},
		{"no architecture", []string{withBinary, "1.0", "", output}, 1, "mkdeb.sh: no architecture (is dpkg installed?)"},
		{"no binary", []string{empty, "1.0", "amd64", output}, 1, "mkdeb.sh: " + empty + "/usr/sbin/vserverx is missing: run make install DESTDIR=" + empty + " first"},
	}
	for _, c := range cases {
		args := append([]string{filepath.Join("deb", "mkdeb.sh")}, c.args...)
		var stderr strings.Builder
		cmd := exec.Command("sh", args...)
		cmd.Stderr = &stderr
		if code := exitCode(t, cmd); code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", c.name, code, stderr.String(), c.code, c.msg)
		}
		if _, err := os.Stat(output); err == nil {
			t.Errorf("%s: wrote %s", c.name, output)
		}
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("mkdeb.sh left files in %s: %v", empty, entries)
	}
	if entries, _ := os.ReadDir(withBinary); len(entries) != 1 {
		t.Errorf("mkdeb.sh changed %s: %v", withBinary, entries)
	}
}
