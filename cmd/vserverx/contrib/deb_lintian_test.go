// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkLintian runs lintian on the package: no error or warning may be
// left that lintian-overrides does not explain, every override needs a
// comment with its reason, and every override must still be needed.
func checkLintian(t *testing.T, p *debPackage) {
	lintian, err := exec.LookPath("lintian")
	if err != nil {
		t.Skip("lintian is not installed (make test-deps installs it): the package is not linted")
	}
	out, _ := exec.Command(lintian, "--show-overrides", "--display-info", "--pedantic", p.path).Output()
	var overridden []string
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "E: "), strings.HasPrefix(line, "W: "):
			t.Errorf("lintian: %s", line)
		case strings.HasPrefix(line, "O: "):
			overridden = append(overridden, strings.TrimPrefix(line, "O: "))
		}
	}
	for _, o := range explainedOverrides(t, readFile(t, filepath.Join("deb", "lintian-overrides"))) {
		if !slices.Contains(overridden, o) {
			t.Errorf("lintian-overrides: %q matches nothing lintian reports; remove it", o)
		}
	}
}

// explainedOverrides returns the overrides of a lintian-overrides file,
// failing the test for one without a comment above it.
func explainedOverrides(t *testing.T, text string) []string {
	var overrides []string
	commented := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
			commented = true
		case line == "":
			commented = false
		default:
			if !commented {
				t.Errorf("lintian-overrides: %q has no comment giving the reason", line)
			}
			overrides = append(overrides, line)
		}
	}
	return overrides
}
