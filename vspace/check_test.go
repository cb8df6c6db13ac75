// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// problemFor returns the messages of the problems about file.
func problemFor(ps config.Problems, file string) []string {
	var msgs []string
	for _, p := range ps {
		if p.File == file {
			msgs = append(msgs, p.Msg)
		}
	}
	return msgs
}

func TestCheckFresh(t *testing.T) {
	tr := newTree(t)
	ps := tr.setup.Check(tr.g, "fw")
	want := map[string]string{
		"fw/scripts/prepre-start.d/vserverx":             "the prepre-start scriptlet is missing; run vserverx fw setup",
		"fw/scripts/postpost-stop.d/vserverx":            "the postpost-stop scriptlet is missing; run vserverx fw setup",
		"fw/namespace-cleanup-skip":                      "is missing; it must list /run/netns/fw, or util-vserver's namespace cleanup unmounts it in the guest's mount namespace; run vserverx fw setup",
		".defaults/scripts/initialize.d/vserverx-rslave": "the host-wide initialize scriptlet is missing; run vserverx fw setup",
	}
	if len(ps) != len(want) {
		t.Errorf("Check found %d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for rel, msg := range want {
		if got := problemFor(ps, tr.path(rel)); len(got) != 1 || got[0] != msg {
			t.Errorf("problems for %s: %q, want %q", rel, got, msg)
		}
	}
}

func TestCheckOutdatedAndExecutable(t *testing.T) {
	tr := newTree(t)
	if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
		t.Fatal(err)
	}
	// a different vserverx path makes the installed scriptlets outdated
	moved := tr.setup
	moved.Opt.Vserverx = "/usr/local/sbin/vserverx"
	ps := moved.Check(tr.g, "fw")
	for _, rel := range []string{"fw/scripts/prepre-start.d/vserverx", "fw/scripts/postpost-stop.d/vserverx"} {
		if got := problemFor(ps, tr.path(rel)); len(got) != 1 || !strings.Contains(got[0], "differs from what this vserverx writes") ||
			!strings.HasSuffix(got[0], "run vserverx fw setup") {
			t.Errorf("problems for %s: %q, want one saying it is outdated", rel, got)
		}
	}
	if err := os.Chmod(tr.path("fw/scripts/prepre-start.d/vserverx"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := problemFor(tr.setup.Check(tr.g, "fw"), tr.path("fw/scripts/prepre-start.d/vserverx"))
	if len(got) != 1 || !strings.Contains(got[0], "is executable, so util-vserver runs it instead of sourcing it") {
		t.Errorf("executable scriptlet: %q", got)
	}
	tr.write(".defaults/scripts/initialize.d/vserverx-rslave", "# vserverx scriptlet v0\n", 0o644)
	got = problemFor(tr.setup.Check(tr.g, "fw"), tr.path(".defaults/scripts/initialize.d/vserverx-rslave"))
	if len(got) != 1 || !strings.Contains(got[0], "host-wide initialize scriptlet differs") {
		t.Errorf("older host scriptlet: %q", got)
	}
}

func TestCheckCleanupSkipLines(t *testing.T) {
	tr := newTree(t)
	if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
		t.Fatal(err)
	}
	tr.write("fw/namespace-cleanup-skip", "# netns of fw\n/run/netns/fw\n\nrun/netns/x\n", 0o644)
	got := problemFor(tr.setup.Check(tr.g, "fw"), tr.path("fw/namespace-cleanup-skip"))
	if len(got) != 2 || !strings.HasPrefix(got[0], `line 1 "# netns of fw" does not start with /`) ||
		!strings.HasPrefix(got[1], `line 4 "run/netns/x" does not start with /`) || !strings.Contains(got[0], "loops forever") {
		t.Errorf("problems: %q", got)
	}
	tr.write("fw/namespace-cleanup-skip", "/run/netns/other\n", 0o644)
	got = problemFor(tr.setup.Check(tr.g, "fw"), tr.path("fw/namespace-cleanup-skip"))
	if len(got) != 1 || !strings.HasPrefix(got[0], "does not list /run/netns/fw") {
		t.Errorf("problems: %q", got)
	}
}

// TestCleanupSkipUnreadable: a namespace-cleanup-skip that cannot be read
// is one problem naming it (not also "is missing"), and Install refuses
// before it writes anything.
func TestCleanupSkipUnreadable(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("fw/namespace-cleanup-skip")
	file := tr.path("fw/namespace-cleanup-skip")
	got := problemFor(tr.setup.Check(tr.g, "fw"), file)
	if len(got) != 1 || got[0] != "cannot read it: not a regular file" {
		t.Errorf("problems for %s: %q, want one saying it cannot be read", file, got)
	}
	before := snapshot(t, tr.conf)
	acts, err := tr.setup.Install(tr.g, "fw")
	if err == nil || err.Error() != "reading "+file+": not a regular file" || len(acts) != 0 {
		t.Errorf("Install: actions %v, error %v; want a refusal naming %s", acts, err, file)
	}
	if after := snapshot(t, tr.conf); !reflect.DeepEqual(before, after) {
		t.Errorf("Install wrote files before failing")
	}
}

func TestCheckConfdirMissing(t *testing.T) {
	tr := newTree(t)
	tr.setup.ConfDir = filepath.Join(t.TempDir(), "nothing")
	ps := tr.setup.Check(tr.g, "fw")
	if len(ps) != 1 || ps[0].File != tr.setup.ConfDir || !strings.Contains(ps[0].Msg, "cannot read the confdir") {
		t.Errorf("Check: %v", ps)
	}
}

func TestBypassing(t *testing.T) {
	tr := newTree(t)
	guests := map[string]struct {
		files  map[string]string // relative to the guest dir; content; mode 0755 when the name ends in "*"
		report []string          // files reported
	}{
		"none":     {nil, nil},
		"sourced":  {map[string]string{"scripts/initialize.d/net": "echo hi\n"}, []string{"scripts/initialize.d/net"}},
		"allowed":  {map[string]string{"scripts/initialize*": "#!/bin/sh\n", "scripts/initialize.d/dsd": "DONT_SKIP_DEFAULTS=1\n"}, nil},
		"exported": {map[string]string{"scripts/initialize.d/dsd": "  export DONT_SKIP_DEFAULTS='yes'\n"}, nil},
		"exec":     {map[string]string{"scripts/initialize.d/dsd*": "DONT_SKIP_DEFAULTS=1\n"}, []string{"scripts/initialize.d/dsd"}},
		"local":    {map[string]string{"scripts/initialize": "local DONT_SKIP_DEFAULTS=1\n"}, []string{"scripts/initialize"}},
		"empty":    {map[string]string{"scripts/initialize": "DONT_SKIP_DEFAULTS=\n# DONT_SKIP_DEFAULTS=1\n"}, []string{"scripts/initialize"}},
		"backup":   {map[string]string{"scripts/initialize.rpmsave": "x\n", "scripts/initialize.d/a.~1~": "x\n", "scripts/initialize.d/b.rpmnew": "x\n"}, nil},
		"two": {map[string]string{"scripts/initialize": "a\n", "scripts/initialize.d/b*": "b\n"},
			[]string{"scripts/initialize", "scripts/initialize.d/b"}},
		"managed": {map[string]string{"scripts/initialize": "a\n", "scripts/prepre-start.d/vserverx": Marker() + "\n"}, nil},
	}
	var list []*config.Guest
	want := map[string]bool{}
	for name, g := range guests {
		tr.mkdir(name)
		for rel, content := range g.files {
			perm := os.FileMode(0o644)
			if strings.HasSuffix(rel, "*") {
				rel, perm = strings.TrimSuffix(rel, "*"), 0o755
			}
			tr.write(filepath.Join(name, rel), content, perm)
		}
		for _, rel := range g.report {
			want[tr.path(filepath.Join(name, rel))] = true
		}
		list = append(list, &config.Guest{Name: name, Dir: tr.path(name)})
	}
	ps := tr.setup.Bypassing(list)
	got := map[string]bool{}
	for _, p := range ps {
		got[p.File] = true
		if !strings.Contains(p.Msg, "none sets DONT_SKIP_DEFAULTS=1, so util-vserver skips "+tr.path(".defaults/scripts/initialize.d/vserverx-rslave")) {
			t.Errorf("problem message: %v", p)
		}
	}
	for f := range want {
		if !got[f] {
			t.Errorf("%s not reported", f)
		}
	}
	for f := range got {
		if !want[f] {
			t.Errorf("%s reported, but it does not bypass the host scriptlet", f)
		}
	}
	if len(ps) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(ps), len(want), ps)
	}
}

func TestBypassingUnreadable(t *testing.T) {
	tr := newTree(t)
	tr.write("fw/scripts/initialize.d", "not a directory\n", 0o644)
	ps := tr.setup.Bypassing([]*config.Guest{tr.g})
	if len(ps) != 1 || ps[0].File != tr.path("fw/scripts/initialize.d") || !strings.Contains(ps[0].Msg, "cannot list it") {
		t.Errorf("Bypassing: %v", ps)
	}
}

// TestBypassingReadError: an initialize scriptlet that is a regular file
// but cannot be read (here /proc/self/mem, whose read at offset 0 fails
// with EIO) is reported by name instead of being taken as bypassing.
func TestBypassingReadError(t *testing.T) {
	tr := newTree(t)
	tr.mkdir("fw/scripts")
	file := tr.path("fw/scripts/initialize")
	if err := os.Symlink("/proc/self/mem", file); err != nil {
		t.Fatal(err)
	}
	ps := tr.setup.Bypassing([]*config.Guest{tr.g})
	if len(ps) != 1 || ps[0].File != file || !strings.HasPrefix(ps[0].Msg, "cannot read it: ") ||
		!strings.Contains(ps[0].Msg, "input/output error") {
		t.Errorf("Bypassing: %v, want one problem saying %s cannot be read", ps, file)
	}
}
