// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"io/fs"
	"os"
	"strings"
	"testing"
)

// planFor returns the actions of Plan on file.
func planFor(t *testing.T, s Setup, tr *tree, file string) []Action {
	t.Helper()
	acts, err := s.Plan(tr.g, "fw")
	if err != nil {
		t.Fatal(err)
	}
	var out []Action
	for _, a := range acts {
		if a.Path == file {
			out = append(out, a)
		}
	}
	return out
}

// TestCleanupSkipWholeLines: only a line that is exactly NETNS_DIR/X
// protects the namespace (util-vserver keeps blanks and a carriage return
// as part of the path). Check reports every other file as lacking the
// entry, naming a line that only looks right, Install adds a correct line
// and keeps the others, and Check is then satisfied.
func TestCleanupSkipWholeLines(t *testing.T) {
	const note = "has blanks or a carriage return around it, which util-vserver keeps as part of the path"
	tests := []struct {
		name, content string
		listed        bool
		problem       string // start of Check's message; "" when none
	}{
		{"exact", "/run/netns/fw\n", true, ""},
		{"exact without newline", "/srv\n/run/netns/fw", true, ""},
		{"carriage return", "/run/netns/fw\r\n", false, `does not list /run/netns/fw (line 1 "/run/netns/fw\r" ` + note + "), so util-vserver's"},
		{"trailing blank", "/srv\n/run/netns/fw \n", false, `does not list /run/netns/fw (line 2 "/run/netns/fw " ` + note + "), so util-vserver's"},
		{"other namespace", "/run/netns/other\n", false, "does not list /run/netns/fw, so util-vserver's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTree(t)
			file := tr.path("fw/namespace-cleanup-skip")
			tr.write("fw/namespace-cleanup-skip", tt.content, 0o644)
			got := problemFor(tr.setup.Check(tr.g, "fw"), file)
			plan := planFor(t, tr.setup, tr, file)
			if tt.listed {
				if len(got) != 0 || len(plan) != 0 {
					t.Fatalf("Check %q, Plan %v; want nothing for a file that lists the entry", got, plan)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.problem) || !strings.HasSuffix(got[0], "; run vserverx fw setup") {
				t.Errorf("Check: %q, want one problem starting %q", got, tt.problem)
			}
			if len(plan) != 1 || plan[0].What != "add /run/netns/fw" {
				t.Errorf("Plan: %v, want the entry added", plan)
			}
			if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
				t.Fatal(err)
			}
			want := tt.content
			if !strings.HasSuffix(want, "\n") {
				want += "\n"
			}
			if got := tr.read("fw/namespace-cleanup-skip"); got != want+"/run/netns/fw\n" {
				t.Errorf("after Install: %q, want %q", got, want+"/run/netns/fw\n")
			}
			if got := problemFor(tr.setup.Check(tr.g, "fw"), file); len(got) != 0 {
				t.Errorf("Check after Install: %q", got)
			}
		})
	}
}

// TestCleanupSkipLeadingBlank: a line with a blank before the path lacks
// the entry and also does not start with "/".
func TestCleanupSkipLeadingBlank(t *testing.T) {
	tr := newTree(t)
	file := tr.path("fw/namespace-cleanup-skip")
	tr.write("fw/namespace-cleanup-skip", "\t/run/netns/fw\n", 0o644)
	got := problemFor(tr.setup.Check(tr.g, "fw"), file)
	if len(got) != 2 || !strings.HasPrefix(got[0], `does not list /run/netns/fw (line 1 "\t/run/netns/fw" has blanks`) ||
		!strings.HasPrefix(got[1], `line 1 "\t/run/netns/fw" does not start with /`) {
		t.Errorf("Check: %q", got)
	}
}

// TestCleanupSkipDefaultsWholeLines: a new file copies the lines of
// .defaults/namespace-cleanup-skip; one that only looks like the entry is
// copied as it is and the correct line is added.
func TestCleanupSkipDefaultsWholeLines(t *testing.T) {
	tr := newTree(t)
	tr.write(".defaults/namespace-cleanup-skip", "/run/netns/fw\r\n/srv\n", 0o644)
	if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
		t.Fatal(err)
	}
	if got, want := tr.read("fw/namespace-cleanup-skip"), "/run/netns/fw\r\n/srv\n/run/netns/fw\n"; got != want {
		t.Errorf("new namespace-cleanup-skip is %q, want %q", got, want)
	}
}

// TestScriptletCheckAndPlanAgree: for every state a scriptlet can be in,
// Check reports a problem exactly when Plan would change the file, and
// after Install neither does.
func TestScriptletCheckAndPlanAgree(t *testing.T) {
	const (
		guestRel = "fw/scripts/postpost-stop.d/vserverx"
		hostRel  = ".defaults/scripts/initialize.d/vserverx-rslave"
	)
	const rightText = "\x00right" // stands for the text Install writes
	tests := []struct {
		name, rel, content string // mode 0: no file
		mode               fs.FileMode
		problem, action    string // the start of each; "" when none
	}{
		{"guest missing", guestRel, "", 0, "the postpost-stop scriptlet is missing", "install the postpost-stop scriptlet"},
		{"guest right", guestRel, rightText, 0o644, "", ""},
		{"guest executable", guestRel, rightText, 0o755, "the postpost-stop scriptlet is executable", "make the postpost-stop scriptlet non-executable"},
		{"guest edited", guestRel, "echo mine\n", 0o644, "the postpost-stop scriptlet differs", "replace the postpost-stop scriptlet"},
		{"guest edited and executable", guestRel, "echo mine\n", 0o755, "the postpost-stop scriptlet differs", "replace the postpost-stop scriptlet"},
		{"host missing", hostRel, "", 0, "the host-wide initialize scriptlet is missing", "install the host-wide initialize scriptlet"},
		{"host right", hostRel, rightText, 0o644, "", ""},
		{"host executable", hostRel, rightText, 0o755, "the host-wide initialize scriptlet is executable", "make the host-wide initialize scriptlet non-executable"},
		{"host older vserverx", hostRel, MarkerPrefix + "0\nold\n", 0o644, "the host-wide initialize scriptlet differs", "replace the host-wide initialize scriptlet"},
		{"host administrator's", hostRel, "mount --make-rslave /\n", 0o755, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTree(t)
			file := tr.path(tt.rel)
			right := map[string]string{guestRel: PostpostStopScriptlet(tr.setup.Opt), hostRel: HostRslaveScriptlet()}
			if tt.content == rightText {
				tt.content = right[tt.rel]
			}
			if tt.mode != 0 {
				tr.write(tt.rel, tt.content, tt.mode)
			}
			got := problemFor(tr.setup.Check(tr.g, "fw"), file)
			plan := planFor(t, tr.setup, tr, file)
			if tt.problem == "" {
				if len(got) != 0 || len(plan) != 0 {
					t.Fatalf("Check %q, Plan %v; want nothing", got, plan)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.problem) {
				t.Errorf("Check: %q, want one problem starting %q", got, tt.problem)
			}
			if len(plan) != 1 || !strings.HasPrefix(plan[0].What, tt.action) {
				t.Errorf("Plan: %v, want one action starting %q", plan, tt.action)
			}
			if _, err := tr.setup.Install(tr.g, "fw"); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			if tr.read(tt.rel) != right[tt.rel] || fi.Mode().Perm() != scriptletPerm {
				t.Errorf("after Install: mode %v, content right: %v", fi.Mode(), tr.read(tt.rel) == right[tt.rel])
			}
			if got, plan := problemFor(tr.setup.Check(tr.g, "fw"), file), planFor(t, tr.setup, tr, file); len(got) != 0 || len(plan) != 0 {
				t.Errorf("after Install: Check %q, Plan %v", got, plan)
			}
		})
	}
}
