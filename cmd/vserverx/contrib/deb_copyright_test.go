// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fakeGo writes a go command whose `go version -m BIN` prints report (and
// exits with code) and returns its path.
func fakeGo(t *testing.T, report string, code int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "go")
	writeExe(t, path, "[ \"$1 $2\" = 'version -m' ] || exit 99\ncat <<'EOF'\n"+report+"EOF\nexit "+strconv.Itoa(code)+"\n")
	return path
}

// copyrightFor runs copyright.sh with the fake go command: stdout, stderr,
// exit code.
func copyrightFor(t *testing.T, goCmd string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("sh", filepath.Join("deb", "copyright.sh"), "/x/vserverx")
	cmd.Env = append(cmd.Environ(), "GO="+goCmd)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := exitCode(t, cmd)
	return stdout.String(), stderr.String(), code
}

// paragraphFirstLines returns the first line of every paragraph of a DEP-5
// file that starts with field ("Files", "License"), without the field name.
func paragraphFirstLines(text, field string) []string {
	var keys []string
	for _, para := range strings.Split(text, "\n\n") {
		if value, ok := strings.CutPrefix(para, field+": "); ok {
			keys = append(keys, strings.SplitN(value, "\n", 2)[0])
		}
	}
	return keys
}

// TestCopyrightFromModules: the file names vserverx, the standard library
// with the Go version, each module of the report with its version, in the
// report's order, and exactly the licence texts those paragraphs name.
func TestCopyrightFromModules(t *testing.T) {
	report := "/x/vserverx: go1.25.3\n" +
		"\tpath\tgithub.com/vserverx/vserverx/cmd/vserverx\n" +
		"\tmod\tgithub.com/vserverx/vserverx\t(devel)\t\n" +
		"\tdep\tgithub.com/google/shlex\tv0.0.0-20191202100458-e7afc7fbc510\th1:x=\n" +
		"\tdep\tgithub.com/russross/blackfriday/v2\tv2.1.0\th1:y=\n" +
		"\tdep\tgithub.com/vishvananda/netlink\tv1.3.1\th1:z=\n" +
		"\tbuild\tCGO_ENABLED=0\n"
	out, stderr, code := copyrightFor(t, fakeGo(t, report, 0))
	if code != 0 {
		t.Fatalf("copyright.sh: exit %d, %s", code, stderr)
	}
	files := []string{"*", "go/*", "github.com/google/shlex/*", "github.com/russross/blackfriday/v2/*", "github.com/vishvananda/netlink/*"}
	if got := paragraphFirstLines(out, "Files"); !slices.Equal(got, files) {
		t.Errorf("Files paragraphs %q, want %q", got, files)
	}
	if got, want := paragraphFirstLines(out, "License"), []string{"Apache-2.0", "BSD-3-clause", "BSD-2-clause"}; !slices.Equal(got, want) {
		t.Errorf("License paragraphs %q, want %q (the licences named, no other)", got, want)
	}
	for _, want := range []string{
		"Comment: The Go standard library and runtime (go1.25.3).\n",
		"License: BSD-2-clause\nComment: Go module github.com/russross/blackfriday/v2 v2.1.0.\n",
		"Comment: Go module github.com/vishvananda/netlink v1.3.1.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("copyright lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(out, "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n") {
		t.Errorf("copyright does not start with the DEP-5 Format line:\n%s", out)
	}
}

// TestCopyrightRefusesUnknownModule: a module that modules.dep5 does not
// list stops the build with its name and what to add; nothing is printed.
func TestCopyrightRefusesUnknownModule(t *testing.T) {
	report := "/x/vserverx: go1.25.3\n\tdep\texample.org/newdep\tv1.2.3\th1:x=\n\tdep\tgolang.org/x/sys\tv0.47.0\th1:y=\n"
	out, stderr, code := copyrightFor(t, fakeGo(t, report, 0))
	want := "copyright.sh: /x/vserverx contains Go module example.org/newdep v1.2.3, which modules.dep5 does not list: add a Files: example.org/newdep/* paragraph with its copyright and licence"
	if code != 1 || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("copyright.sh with an unknown module: exit %d, stdout %q, stderr %q; want exit 1, no output and %q", code, out, stderr, want)
	}
}

// TestCopyrightGoFails: when go version -m fails (not a Go binary), the
// script says so and prints nothing.
func TestCopyrightGoFails(t *testing.T) {
	goCmd := fakeGo(t, "", 1)
	out, stderr, code := copyrightFor(t, goCmd)
	want := "copyright.sh: " + goCmd + " version -m /x/vserverx failed: cannot tell which modules it contains"
	if code != 1 || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("copyright.sh with a failing go: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, stderr, want)
	}
}

// TestCopyrightCatalogue: every paragraph of modules.dep5 names a module's
// files, a copyright and a licence whose text licenses.dep5 holds.
func TestCopyrightCatalogue(t *testing.T) {
	licences := paragraphFirstLines(readFile(t, filepath.Join("deb", "licenses.dep5")), "License")
	for _, para := range strings.Split(strings.TrimSpace(readFile(t, filepath.Join("deb", "modules.dep5"))), "\n\n") {
		lines := strings.Split(para, "\n")
		name, _ := strings.CutPrefix(lines[0], "Files: ")
		if !strings.HasSuffix(name, "/*") || !strings.HasPrefix(lines[1], "Copyright: ") {
			t.Errorf("modules.dep5: paragraph %q does not start with Files: MODULE/* and Copyright:", para)
		}
		licence, ok := strings.CutPrefix(lines[len(lines)-1], "License: ")
		if !ok || !slices.Contains(licences, licence) {
			t.Errorf("modules.dep5: %s: last line %q is not a License: line naming one of %q", name, lines[len(lines)-1], licences)
		}
	}
}

// TestMkdebRefusesUnlistedModule: make deb's last step stops on a binary
// with a module modules.dep5 does not list, names it, writes no package
// and leaves the tree as it was.
func TestMkdebRefusesUnlistedModule(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"usr/sbin", "usr/share/man/man8"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeExe(t, filepath.Join(root, "usr/sbin/vserverx"), "")
	if err := os.WriteFile(filepath.Join(root, "usr/share/man/man8/vserverx.8"), []byte(".TH X 8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := fileModes(t, root)
	output := filepath.Join(t.TempDir(), "out.deb")
	cmd := exec.Command("sh", filepath.Join("deb", "mkdeb.sh"), root, "1.0", "amd64", output)
	cmd.Env = append(cmd.Environ(), "GO="+fakeGo(t, "BIN: go1.25.0\n\tdep\texample.org/newdep\tv0.1.0\th1:x=\n", 0))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	want := "Go module example.org/newdep v0.1.0, which modules.dep5 does not list"
	if code := exitCode(t, cmd); code != 1 || !strings.Contains(stderr.String(), want) {
		t.Errorf("mkdeb.sh: exit %d, stderr %q; want exit 1 and %q", code, stderr.String(), want)
	}
	if _, err := os.Stat(output); err == nil {
		t.Errorf("mkdeb.sh wrote %s", output)
	}
	if after := fileModes(t, root); !maps.Equal(before, after) {
		t.Errorf("mkdeb.sh changed the tree: before %v, after %v", before, after)
	}
}
