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
// documented in the Makefile (TestVersionAfterTag has commits after a tag).
func TestVersionRule(t *testing.T) {
	r := newGitRepo(t)
	hash := r.git("rev-parse", "--short", "HEAD")
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"no tag", func() {}, "0.0~git20260102." + hash},
		{"no tag, dirty", func() { r.write("f", "2") }, "0.0~git20260102." + hash + "+dirty"},
		{"on a tag", func() { r.git("checkout", "-q", "f"); r.git("tag", "v1.2.0") }, "1.2.0"},
		{"pre-release tag", func() { r.commit("two"); r.git("tag", "v2.0-rc1") }, "2.0~rc1"},
		{"tag without v, dirty", func() { r.commit("three"); r.git("tag", "2.0_1"); r.write("f", "3") }, "2.0.1+dirty"},
	}
	for _, s := range steps {
		s.do()
		if out, stderr, code := r.version(); code != 0 || out != s.want+"\n" {
			t.Errorf("%s: version.sh printed %q (exit %d, %s), want %q", s.name, out, code, stderr, s.want)
		}
	}
}

// TestVersionAfterTag: commits after a tag count, with the hash of HEAD.
func TestVersionAfterTag(t *testing.T) {
	r := newGitRepo(t)
	r.git("tag", "v1.2.0")
	r.commit("two")
	r.commit("three")
	want := "1.2.0+2.g" + r.git("rev-parse", "--short", "HEAD") + "\n"
	if out, stderr, code := r.version(); code != 0 || out != want {
		t.Errorf("version.sh printed %q (exit %d, %s), want %q", out, code, stderr, want)
	}
}

// TestVersionRefusesInvalid: a tag that cannot become a Debian version is
// refused with the reason, and nothing is printed as the version.
func TestVersionRefusesInvalid(t *testing.T) {
	r := newGitRepo(t)
	r.git("tag", "v1.0@beta")
	out, stderr, code := r.version()
	if code != 1 || out != "" || !strings.Contains(stderr, `"1.0@beta" (from git describe) is not a valid Debian version`) {
		t.Errorf("version.sh on tag v1.0@beta: exit %d, stdout %q, stderr %q; want exit 1 and the reason", code, out, stderr)
	}
}

// TestVersionOutsideGit: a tree that is not a git checkout gets 0.0~unknown.
func TestVersionOutsideGit(t *testing.T) {
	r := &gitRepo{t: t, dir: t.TempDir()}
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(r.dir))
	if out, stderr, code := r.version(); code != 0 || out != "0.0~unknown\n" {
		t.Errorf("version.sh outside git: %q (exit %d, %s), want 0.0~unknown", out, code, stderr)
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
