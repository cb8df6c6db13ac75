// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goLine returns the Go release of go.mod's go line, failing the test when
// it is not a full release number (1.N.M, a toolchain GOTOOLCHAIN can
// fetch) or when go.mod also pins a toolchain.
func goLine(t *testing.T) string {
	mod := readFile(t, filepath.Join(repoRoot, "go.mod"))
	if strings.Contains(mod, "\ntoolchain ") {
		t.Error("go.mod has a toolchain line: the go line alone states the Go that builds vserverx")
	}
	m := regexp.MustCompile(`\ngo (\S+)\n`).FindStringSubmatch(mod)
	if m == nil || !regexp.MustCompile(`^1\.\d+\.\d+$`).MatchString(m[1]) {
		t.Fatalf("go.mod: go line %q is not a release 1.N.M", m)
	}
	return m[1]
}

// makeDryRun prints the commands make would run for a target.
func makeDryRun(t *testing.T, args ...string) string {
	t.Helper()
	requireTool(t, "make")
	out, err := exec.Command("make", append([]string{"-C", repoRoot, "-n", "--no-print-directory"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("make -n %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestMakeTestChecksGoMinimum: make test (what CI runs) builds and vets
// with the Go release of go.mod's go line, fetched through GOTOOLCHAIN,
// every package, the test support under testdata/ included.
func TestMakeTestChecksGoMinimum(t *testing.T) {
	release := goLine(t)
	out := makeDryRun(t, "test")
	pkgs := " ./... ./testdata/nstest/... ./testdata/vmtest/...\n"
	for _, want := range []string{" build" + pkgs, " vet" + pkgs, " build -tags urfave_cli_no_docs -o /dev/null ./cmd/vserverx\n"} {
		if !regexp.MustCompile(`(?m)^GOTOOLCHAIN=go` + regexp.QuoteMeta(release) + ` .*` + regexp.QuoteMeta(want)).MatchString(out) {
			t.Errorf("make test does not run GOTOOLCHAIN=go%s ...%s", release, want)
		}
	}
}

// TestTestCachesOutsideTree: the VM cache make test fills, and what make
// clean-cache removes, are under XDG_CACHE_HOME (or /var/cache), not in
// the checkout; clean-cache also removes the checkout's old .cache/vm.
func TestTestCachesOutsideTree(t *testing.T) {
	cases := []struct{ xdg, want string }{{"/home/u/.cache", "/home/u/.cache/vserverx-test"}, {"", "/var/cache/vserverx-test"}}
	for _, c := range cases {
		t.Setenv("XDG_CACHE_HOME", c.xdg)
		t.Setenv("VSERVERX_VM_CACHE", "")
		if out := makeDryRun(t, "clean-cache"); out != "rm -rf "+c.want+" "+c.want+"/vm .cache/vm\n" {
			t.Errorf("XDG_CACHE_HOME=%q: make clean-cache runs %q, want it to remove %s and .cache/vm", c.xdg, out, c.want)
		}
		show := exec.Command("make", "-s", "-C", repoRoot, "--no-print-directory", `--eval=show-vm-cache: ; @echo "$$VSERVERX_VM_CACHE"`, "show-vm-cache")
		if out, err := show.CombinedOutput(); err != nil || string(out) != c.want+"/vm\n" {
			t.Errorf("XDG_CACHE_HOME=%q: make gives fetch.sh and the tests VSERVERX_VM_CACHE=%q (%v), want %s/vm", c.xdg, out, err, c.want)
		}
	}
}
