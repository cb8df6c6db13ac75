// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/lifecycle/boot"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestExitStatusConstants: the statuses the lifecycle packages choose are
// the table's.
func TestExitStatusConstants(t *testing.T) {
	for name, c := range map[string][2]int{
		"boot.ExitAll":            {boot.ExitAll, cmdtable.ExitOK},
		"boot.ExitNone":           {boot.ExitNone, cmdtable.ExitError},
		"boot.ExitSome":           {boot.ExitSome, cmdtable.ExitPartial},
		"lifecycle.StatusUnknown": {lifecycle.StatusUnknown, cmdtable.ExitUnknown},
		"lifecycle.ExitNotFound":  {lifecycle.ExitNotFound, 127},
	} {
		if c[0] != c[1] {
			t.Errorf("%s is %d; the exit status table says %d", name, c[0], c[1])
		}
	}
}

// exitCase is one documented outcome: the command run and the row of the
// exit status table (its Code) it must leave with.
type exitCase struct {
	row    string   // the table's Code: "0".."7", "N", "128+N"
	status int      // the number expected
	args   []string // vserverx's arguments after the host's global options
	nobody bool     // run as user nobody
}

// TestExitStatusTable runs each command in each documented outcome on a
// host (fw, web, mail set up; web depends on fw) and compares the exit
// status with the table: the number, and that the command's help lists
// that row. Every row of the table has a case.
func TestExitStatusTable(t *testing.T) {
	h := newBootHost(t)
	openPath(t, h.bin)
	openPath(t, h.confdir)
	fails := filepath.Join(t.TempDir(), "vserver-exits-42")
	killed := filepath.Join(t.TempDir(), "vserver-killed")
	writeExecutable(t, fails, "#!/bin/sh\nexit 42\n")
	writeExecutable(t, killed, "#!/bin/sh\nkill -TERM $$\n")
	steps := []struct {
		before func()
		cases  []exitCase
	}{
		{nil, []exitCase{
			{"0", 0, []string{"fw", "check"}, false},
			{"0", 0, []string{"list"}, false},
			{"1", 1, []string{"web", "apply", "--dry-run"}, false}, // the namespace does not exist
			{"2", 2, []string{"check-all", "extra"}, false},
			{"2", 2, []string{"fw", "status", "--frob"}, false},
			{"3", 3, []string{"fw", "status"}, false},
			{"3", 3, []string{"status-all", "--all"}, false},
			{"3", 3, []string{"list", "--running-any"}, false},
			{"4", 4, []string{"fw", "status"}, true},
			{"5", 5, []string{"nosuch", "start"}, false},
			{"5", 5, []string{"nosuch", "check"}, false},
			{"N", 42, []string{"--vserver", fails, "fw", "frob"}, false},
			{"128+N", 143, []string{"--vserver", killed, "fw", "frob"}, false},
		}},
		{func() { h.write("mail/context", "not a number\n") }, []exitCase{
			{"6", 6, []string{"start-all", "--all"}, false},
			{"0", 0, []string{"fw", "status"}, false},
			{"0", 0, []string{"stop-all", "--all"}, false}, // mail never ran: already stopped counts as done
			{"1", 1, []string{"mail", "check"}, false},
		}},
		{func() {
			h.write("mail/context", "43\n")
			h.mustVX("start-all", "--all")
			h.write("mail/spaces/net", "no/such\n")
		}, []exitCase{
			{"6", 6, []string{"stop-all", "--all"}, false}, // mail's stop refuses: its spaces/net names no valid namespace
		}},
		{func() { h.write("mail/spaces/net", "dmz\n"); h.mustVX("mail", "stop") }, nil},
		{func() { h.write("web/interfaces/0/ip", "192.0.2.10\n") }, []exitCase{
			{"0", 0, []string{"web", "check"}, false},
			{"7", 7, []string{"web", "check", "--strict"}, false},
			{"7", 7, []string{"check-all", "--strict"}, false},
		}},
	}
	covered := map[string]bool{}
	for _, step := range steps {
		if step.before != nil {
			step.before()
		}
		for _, c := range step.cases {
			covered[c.row] = true
			checkExitCase(t, h, c)
		}
	}
	for _, e := range cmdtable.Exits {
		if !covered[e.Code] {
			t.Errorf("exit status %s (%s) has no case here", e.Code, e.Meaning)
		}
	}
}

func checkExitCase(t *testing.T, h *host, c exitCase) {
	t.Helper()
	r := h.vx(c.args...)
	if c.nobody {
		r = h.vxNobody(c.args...)
	}
	if r.code != c.status {
		t.Errorf("vserverx %s: exit %d, the table says %d (%s):\n%s", strings.Join(c.args, " "), r.code, c.status, c.row, r)
	}
	s, ok := commandOf(c.args)
	if !ok {
		return // passed to util-vserver's vserver: its own status
	}
	rows := commandExits(s)
	if !slices.ContainsFunc(rows, func(e cmdtable.Exit) bool { return e.Code == c.row }) {
		t.Errorf("vserverx %s leaves with %s, but the help of %s does not list it", strings.Join(c.args, " "), c.row, s.Name)
	}
	help := h.vx(helpArgs(c.args, s)...)
	if !strings.Contains(help.stdout, exitList(cmdtable.Exits)) || !strings.Contains(help.stdout, s.Name+" leaves with ") ||
		!strings.Contains(help.stdout, cmdtable.ExitCodes(rows)) {
		t.Errorf("the help of %s does not show the exit status table and that it leaves with %s:\n%s", s.Name, cmdtable.ExitCodes(rows), help.stdout)
	}
}

// commandOf finds the table entry of the command args run (global options
// skipped), false for one passed to util-vserver.
func commandOf(args []string) (cmdtable.Command, bool) {
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		args = args[2:]
	}
	if s, ok := cmdtable.Find(args[0], false); ok {
		return s, true
	}
	return cmdtable.Find(args[1], true)
}

// helpArgs asks for the help of command s as args name it.
func helpArgs(args []string, s cmdtable.Command) []string {
	if s.Guest {
		return []string{"help", s.Name}
	}
	return []string{s.Name, "--help"}
}

// TestUnknownGuest: a guest that does not exist exits 5, as util-vserver's
// vserver does, naming CONFDIR/NAME, before util-vserver's command is
// even looked for (here it does not exist).
func TestUnknownGuest(t *testing.T) {
	nstest.RequireRoot(t)
	confdir := t.TempDir()
	for _, cmd := range []string{"start", "stop", "restart", "status", "check", "plan", "setup", "apply", "adopt", "enter"} {
		r := runCLI(t, "--confdir", confdir, "--vserver", filepath.Join(confdir, "no-vserver"), "nosuch", cmd)
		if r.code != cmdtable.ExitNoGuest || !strings.Contains(r.stderr, filepath.Join(confdir, "nosuch")+": no such guest") {
			t.Errorf("nosuch %s: want exit 5 naming the guest's directory: %s", cmd, r)
		}
	}
}
