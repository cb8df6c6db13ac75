// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// tree is a confdir in a temporary directory with one guest, fw.
type tree struct {
	t     *testing.T
	conf  string
	setup Setup
	g     *config.Guest
}

func newTree(t *testing.T) *tree {
	conf := filepath.Join(t.TempDir(), "vservers")
	tr := &tree{t: t, conf: conf}
	tr.mkdir("fw")
	tr.setup = Setup{ConfDir: conf, NetnsDir: "/run/netns",
		Opt: ScriptletOptions{Vserverx: "/usr/sbin/vserverx", GlobalArgs: []string{"--confdir", conf}}}
	tr.g = &config.Guest{Name: "fw", Dir: filepath.Join(conf, "fw")}
	return tr
}

func (tr *tree) path(rel string) string { return filepath.Join(tr.conf, rel) }

func (tr *tree) mkdir(rel string) {
	tr.t.Helper()
	if err := os.MkdirAll(tr.path(rel), 0o755); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) write(rel, content string, perm fs.FileMode) {
	tr.t.Helper()
	tr.mkdir(filepath.Dir(rel))
	if err := os.WriteFile(tr.path(rel), []byte(content), perm); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.Chmod(tr.path(rel), perm); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) read(rel string) string {
	tr.t.Helper()
	data, err := os.ReadFile(tr.path(rel))
	if err != nil {
		tr.t.Fatal(err)
	}
	return string(data)
}

// snapshot returns every path under root with its mode, size and inode, to
// show that nothing changed.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		out[p] = fmt.Sprint(fi.Mode(), fi.ModTime(), st.Ino, fi.Size())
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// noTempFiles fails when a temporary file of WriteAtomic is left under root.
func noTempFiles(t *testing.T, root string) {
	t.Helper()
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".vserverx-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

func actionPaths(as []Action) []string {
	var ps []string
	for _, a := range as {
		ps = append(ps, a.Path)
	}
	sort.Strings(ps)
	return ps
}

func TestInstallFresh(t *testing.T) {
	tr := newTree(t)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{tr.path(".defaults/scripts/initialize.d/vserverx-rslave"), tr.path("fw/namespace-cleanup-skip"),
		tr.path("fw/scripts/postpost-stop.d/vserverx"), tr.path("fw/scripts/prepre-start.d/vserverx")}
	if got := actionPaths(acts); !reflect.DeepEqual(got, want) {
		t.Errorf("actions on %q, want %q", got, want)
	}
	files := map[string]string{
		"fw/scripts/prepre-start.d/vserverx":             PrepreStartScriptlet(tr.setup.Opt),
		"fw/scripts/postpost-stop.d/vserverx":            PostpostStopScriptlet(tr.setup.Opt),
		".defaults/scripts/initialize.d/vserverx-rslave": HostRslaveScriptlet(),
		"fw/namespace-cleanup-skip":                      "/run/netns/fw\n",
	}
	for rel, content := range files {
		if got := tr.read(rel); got != content {
			t.Errorf("%s holds %q, want %q", rel, got, content)
		}
		if fi, _ := os.Stat(tr.path(rel)); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644", rel, fi.Mode().Perm())
		}
	}
	noTempFiles(t, tr.conf)
	if ps := tr.setup.Check(tr.g, "fw"); len(ps) != 0 {
		t.Errorf("Check after Install: %v", ps)
	}
}

func TestInstallIdempotent(t *testing.T) {
	tr := newTree(t)
	if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, tr.conf)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil || len(acts) != 0 {
		t.Fatalf("second Install: actions %v, error %v; want none", acts, err)
	}
	if after := snapshot(t, tr.conf); !reflect.DeepEqual(before, after) {
		t.Errorf("second Install changed files:\nbefore %v\nafter  %v", before, after)
	}
}

func TestPlanChangesNothing(t *testing.T) {
	tr := newTree(t)
	before := snapshot(t, tr.conf)
	plan, err := tr.setup.Plan(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, tr.conf); !reflect.DeepEqual(before, after) {
		t.Errorf("Plan changed files")
	}
	done, err := tr.setup.Install(tr.g, "fw")
	if err != nil || !reflect.DeepEqual(plan, done) {
		t.Errorf("Plan said %v, Install did %v (error %v)", plan, done, err)
	}
}

func TestInstallKeepsCleanupSkipLines(t *testing.T) {
	tr := newTree(t)
	tr.write("fw/namespace-cleanup-skip", "# kept\n/srv/data\n\n/run/netns/other", 0o600)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr.read("fw/namespace-cleanup-skip"), "# kept\n/srv/data\n\n/run/netns/other\n/run/netns/fw\n"; got != want {
		t.Errorf("namespace-cleanup-skip is %q, want %q", got, want)
	}
	if fi, _ := os.Stat(tr.path("fw/namespace-cleanup-skip")); fi.Mode().Perm() != 0o600 {
		t.Errorf("its mode became %v, want the old 0600", fi.Mode().Perm())
	}
	found := false
	for _, a := range acts {
		found = found || a.Path == tr.path("fw/namespace-cleanup-skip") && a.What == "add /run/netns/fw"
	}
	if !found {
		t.Errorf("no action adding the entry in %v", acts)
	}
}

func TestInstallSeedsCleanupSkipFromDefaults(t *testing.T) {
	tr := newTree(t)
	tr.write(".defaults/namespace-cleanup-skip", "/srv/shared\n\n/run/netns/fw\n/var/backups\n", 0o644)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr.read("fw/namespace-cleanup-skip"), "/srv/shared\n/var/backups\n/run/netns/fw\n"; got != want {
		t.Errorf("new namespace-cleanup-skip is %q, want %q", got, want)
	}
	if !strings.Contains(actsString(acts), "entries of "+tr.path(".defaults/namespace-cleanup-skip")) {
		t.Errorf("actions %v do not mention the copied defaults", acts)
	}
}

func actsString(as []Action) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.String() + "\n")
	}
	return b.String()
}

func TestInstallReplacesOutdatedScriptlets(t *testing.T) {
	tr := newTree(t)
	tr.write("fw/scripts/prepre-start.d/vserverx", "# vserverx scriptlet v0\nold\n", 0o644)
	tr.write("fw/scripts/postpost-stop.d/vserverx", PostpostStopScriptlet(tr.setup.Opt), 0o755)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	s := actsString(acts)
	if !strings.Contains(s, tr.path("fw/scripts/prepre-start.d/vserverx")+": replace the prepre-start scriptlet, which differs") {
		t.Errorf("no replace action for the outdated scriptlet in:\n%s", s)
	}
	if !strings.Contains(s, tr.path("fw/scripts/postpost-stop.d/vserverx")+": make the postpost-stop scriptlet non-executable") {
		t.Errorf("no action making the executable scriptlet 0644 in:\n%s", s)
	}
	if tr.read("fw/scripts/prepre-start.d/vserverx") != PrepreStartScriptlet(tr.setup.Opt) {
		t.Errorf("outdated scriptlet not replaced")
	}
	if fi, _ := os.Stat(tr.path("fw/scripts/postpost-stop.d/vserverx")); fi.Mode().Perm() != 0o644 {
		t.Errorf("scriptlet mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestInstallHostScriptletOwnership(t *testing.T) {
	const rel = ".defaults/scripts/initialize.d/vserverx-rslave"
	tr := newTree(t)
	tr.write(rel, "# my own version\nmount --make-rslave /\n", 0o644)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(actsString(acts), rel) || tr.read(rel) != "# my own version\nmount --make-rslave /\n" {
		t.Errorf("the administrator's file was changed: %v", acts)
	}
	if ps := tr.setup.Check(tr.g, "fw"); len(ps) != 0 {
		t.Errorf("Check complains about the administrator's file: %v", ps)
	}

	tr.write(rel, "# vserverx scriptlet v0 (initialize, host-wide)\nold\n", 0o644)
	if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
		t.Fatal(err)
	}
	if tr.read(rel) != HostRslaveScriptlet() {
		t.Errorf("an older vserverx host scriptlet was not updated")
	}
}

func TestInstallRefusesSymlinkOutOfConfdir(t *testing.T) {
	tests := []struct {
		name  string
		link  string // relative to the confdir
		to    func(outside string) string
		which string // path named in the error, relative to the confdir
	}{
		{"scripts directory", "fw/scripts", func(o string) string { return o }, "fw/scripts/prepre-start.d/vserverx"},
		{"dangling scriptlet", "fw/scripts/postpost-stop.d/vserverx", func(o string) string { return filepath.Join(o, "new/file") },
			"fw/scripts/postpost-stop.d/vserverx"},
		{"relative link up", "fw/scripts/prepre-start.d", func(string) string { return "../../../../outside" }, "fw/scripts/prepre-start.d/vserverx"},
		{"cleanup-skip", "fw/namespace-cleanup-skip", func(o string) string { return filepath.Join(o, "skip") }, "fw/namespace-cleanup-skip"},
		{"defaults", ".defaults/scripts", func(o string) string { return o }, ".defaults/scripts/initialize.d/vserverx-rslave"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTree(t)
			outside := filepath.Join(filepath.Dir(tr.conf), "outside")
			if err := os.MkdirAll(outside, 0o755); err != nil {
				t.Fatal(err)
			}
			tr.mkdir(filepath.Dir(tt.link))
			if err := os.Symlink(tt.to(outside), tr.path(tt.link)); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, filepath.Dir(tr.conf))
			acts, err := tr.setup.Install(tr.g, "fw")
			if !errors.Is(err, ErrOutsideConfDir) || !strings.Contains(err.Error(), "refusing to write "+tr.path(tt.which)) {
				t.Fatalf("Install: actions %v, error %v; want a refusal naming %s", acts, err, tt.which)
			}
			if after := snapshot(t, filepath.Dir(tr.conf)); !reflect.DeepEqual(before, after) {
				t.Errorf("Install wrote files before refusing")
			}
			if ps := tr.setup.Check(tr.g, "fw"); !strings.Contains(ps.Error(), tr.path(tt.which)+": refusing to write") {
				t.Errorf("Check does not report the refusal: %v", ps)
			}
		})
	}
}

func TestInstallWritesThroughSymlinkInsideConfdir(t *testing.T) {
	tr := newTree(t)
	tr.mkdir(".shared/fw-scripts")
	if err := os.Symlink("../.shared/fw-scripts", tr.path("fw/scripts")); err != nil {
		t.Fatal(err)
	}
	acts, err := tr.setup.Install(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	if tr.read(".shared/fw-scripts/prepre-start.d/vserverx") != PrepreStartScriptlet(tr.setup.Opt) {
		t.Errorf("scriptlet not written through the link")
	}
	if fi, err := os.Lstat(tr.path("fw/scripts")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the scripts link was replaced")
	}
	if !strings.Contains(actsString(acts), "through symbolic links: "+tr.path(".shared/fw-scripts/prepre-start.d/vserverx")) {
		t.Errorf("actions do not say where the link leads: %v", acts)
	}
}

func TestInstallRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Setup, *config.Guest)
		x    string
		want string
	}{
		{"no confdir", func(s *Setup, _ *config.Guest) { s.ConfDir = "" }, "fw", "guest fw: no confdir given"},
		{"relative netns dir", func(s *Setup, _ *config.Guest) { s.NetnsDir = "run/netns" }, "fw", `guest fw: the namespace directory "run/netns" is not an absolute path`},
		{"relative vserverx", func(s *Setup, _ *config.Guest) { s.Opt.Vserverx = "vserverx" }, "fw", `guest fw: the path of vserverx "vserverx"`},
		{"empty namespace", func(*Setup, *config.Guest) {}, "", `guest fw: namespace name "" cannot be a file name in /run/netns`},
		{"slash in namespace", func(*Setup, *config.Guest) {}, "a/b", `namespace name "a/b"`},
		{"dotdot namespace", func(*Setup, *config.Guest) {}, "..", `namespace name ".."`},
		{"no guest name", func(_ *Setup, g *config.Guest) { g.Name = "" }, "fw", "no guest given"},
		{"confdir missing", func(s *Setup, _ *config.Guest) { s.ConfDir += "-missing" }, "fw", "confdir "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTree(t)
			tt.edit(&tr.setup, tr.g)
			before := snapshot(t, filepath.Dir(tr.conf))
			_, err := tr.setup.Install(tr.g, tt.x)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Install: error %v, want one containing %q", err, tt.want)
			}
			if after := snapshot(t, filepath.Dir(tr.conf)); !reflect.DeepEqual(before, after) {
				t.Errorf("Install wrote files before failing")
			}
			if ps := tr.setup.Check(tr.g, tt.x); !strings.Contains(ps.Error(), strings.TrimSuffix(tt.want, " ")) {
				t.Errorf("Check: %v, want a problem containing %q", ps, tt.want)
			}
		})
	}
}

func TestInstallUnreadableTarget(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("fw/scripts/prepre-start.d/vserverx") // a directory where the scriptlet belongs
	before := snapshot(t, tr.conf)
	_, err := tr.setup.Install(tr.g, "fw")
	if err == nil || !strings.Contains(err.Error(), "reading "+tr.path("fw/scripts/prepre-start.d/vserverx")) ||
		!strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Install: %v, want an error naming the directory in the way", err)
	}
	if after := snapshot(t, tr.conf); !reflect.DeepEqual(before, after) {
		t.Errorf("Install wrote files before failing")
	}
	if ps := tr.setup.Check(tr.g, "fw"); !strings.Contains(ps.Error(), tr.path("fw/scripts/prepre-start.d/vserverx")+": cannot read the prepre-start scriptlet") {
		t.Errorf("Check: %v", ps)
	}
}
