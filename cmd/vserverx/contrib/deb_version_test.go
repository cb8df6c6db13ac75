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

// gitRepo is a scratch git repository for version.sh.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	requireTool(t, "git")
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q")
	r.git("add", r.write("f", "1"))
	r.git("commit", "-q", "-m", "one", "--date=2026-01-02T03:04:05Z")
	return r
}

// git runs git in the repository with a fixed identity and commit date.
func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.org"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE=2026-01-02T23:59:00Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *gitRepo) commit(message string) {
	r.t.Helper()
	r.git("commit", "-q", "--allow-empty", "-m", message)
}

func (r *gitRepo) write(name, content string) string {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
	return name
}

// version runs version.sh in the repository: its output, stderr and exit code.
func (r *gitRepo) version() (string, string, int) {
	r.t.Helper()
	script, err := filepath.Abs(filepath.Join("deb", "version.sh"))
	if err != nil {
		r.t.Fatal(err)
	}
	cmd := exec.Command("sh", script)
	cmd.Dir = r.dir
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := exitCode(r.t, cmd)
	return stdout.String(), stderr.String(), code
}

// TestVersionRule walks one repository through the cases of the rule
// documented in version.sh.
func TestVersionRule(t *testing.T) {
	r := newGitRepo(t)
	short := func() string { return r.git("rev-parse", "--short", "HEAD") }
	steps := []struct {
		name string
		do   func()
		want func() string
	}{
		{"VERSION not committed", func() { r.write("VERSION", "1.2.0\n") }, func() string { return "1.2.0+g" + short() }},
		{"on the release commit", func() { r.git("add", "VERSION"); r.git("commit", "-q", "-m", "1.2.0") }, func() string { return "1.2.0" }},
		{"release, dirty", func() { r.write("f", "2") }, func() string { return "1.2.0+dirty" }},
		{"two commits later", func() { r.git("checkout", "-q", "f"); r.commit("two"); r.commit("three") }, func() string { return "1.2.0+2.g" + short() }},
		{"pre-release", func() { r.git("commit", "-q", "-m", "rc", r.write("VERSION", "2.0~rc1\n")) }, func() string { return "2.0~rc1" }},
	}
	for _, s := range steps {
		s.do()
		want := s.want()
		if out, stderr, code := r.version(); code != 0 || out != want+"\n" {
			t.Errorf("%s: version.sh printed %q (exit %d, %s), want %q", s.name, out, code, stderr, want)
		}
	}
}

// TestVersionShallowClone: in a clone whose history was cut after the
// release, the commit count is unknown and the version says so.
func TestVersionShallowClone(t *testing.T) {
	r := newGitRepo(t)
	r.git("add", r.write("VERSION", "1.2.0\n"))
	r.git("commit", "-q", "-m", "1.2.0")
	r.commit("two")
	r.commit("three")
	clone := &gitRepo{t: t, dir: filepath.Join(t.TempDir(), "clone")}
	r.git("clone", "-q", "--depth=1", "file://"+r.dir, clone.dir)
	want := "1.2.0+g" + clone.git("rev-parse", "--short", "HEAD") + "\n"
	if out, stderr, code := clone.version(); code != 0 || out != want {
		t.Errorf("version.sh in a shallow clone printed %q (exit %d, %s), want %q", out, code, stderr, want)
	}
}

// TestVersionRefuses: an invalid VERSION, or none, is refused with the
// reason, and nothing is printed as the version.
func TestVersionRefuses(t *testing.T) {
	r := newGitRepo(t)
	out, stderr, code := r.version()
	if want := "version.sh: " + r.git("rev-parse", "--show-toplevel") + "/VERSION is missing: it holds the release number"; code != 1 || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("version.sh without VERSION: exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, stderr, want)
	}
	r.git("add", r.write("VERSION", "1.0@beta\n"))
	r.git("commit", "-q", "-m", "bad")
	out, stderr, code = r.version()
	if code != 1 || out != "" || !strings.Contains(stderr, `"1.0@beta" (from VERSION) is not a valid Debian version`) {
		t.Errorf("version.sh with VERSION 1.0@beta: exit %d, stdout %q, stderr %q; want exit 1 and the reason", code, out, stderr)
	}
}

// TestVersionOutsideGit: a tree that is not a git checkout (an unpacked
// release) gets the release recorded in the repository's VERSION.
func TestVersionOutsideGit(t *testing.T) {
	r := &gitRepo{t: t, dir: t.TempDir()}
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(r.dir))
	want := strings.TrimSpace(readFile(t, filepath.Join(repoRoot, "VERSION"))) + "\n"
	if out, stderr, code := r.version(); code != 0 || out != want {
		t.Errorf("version.sh outside git: %q (exit %d, %s), want %q", out, code, stderr, want)
	}
}

// TestReleaseRecorded: the newest entry of NEWS.md (its first "## "
// heading) is the release recorded in VERSION.
func TestReleaseRecorded(t *testing.T) {
	release := strings.TrimSpace(readFile(t, filepath.Join(repoRoot, "VERSION")))
	newest := ""
	for _, line := range strings.Split(readFile(t, filepath.Join(repoRoot, "NEWS.md")), "\n") {
		if strings.HasPrefix(line, "## ") {
			newest = line
			break
		}
	}
	if !strings.HasPrefix(newest, "## "+release+" ") {
		t.Errorf("NEWS.md's newest entry is %q, want one for release %s (VERSION)", newest, release)
	}
}

// TestMakeRefusesEmptyVersion: make stops before building anything when
// the version is empty (version.sh failed, or VERSION= was given).
func TestMakeRefusesEmptyVersion(t *testing.T) {
	requireTool(t, "make")
	out, err := exec.Command("make", "-C", repoRoot, "-n", "build", "VERSION=").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "VERSION is empty: version.sh failed (see above), or set VERSION=... yourself") {
		t.Errorf("make build VERSION=: %v\n%s\nwant a refusal naming the empty VERSION", err, out)
	}
	if strings.Contains(string(out), "go build") {
		t.Errorf("make build VERSION= went on to build:\n%s", out)
	}
}
