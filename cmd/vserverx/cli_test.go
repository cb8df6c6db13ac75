// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// runCLI runs vserverx in-process and returns its output and exit code.
func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"vserverx"}, args...), &out, &errb)
	return result{out.String(), errb.String(), code}
}

// allCommands is every command of the CLI, host and guest, hidden or not.
func allCommands() []*cli.Command {
	a := &app{}
	return append(a.hostCommands(), a.guestCommands("NAME")...)
}

// TestEveryCommandHasUsage walks the command tree: every command has a
// one-line usage, a usage text in the vserver order, and its flags have
// usage too.
func TestEveryCommandHasUsage(t *testing.T) {
	for _, c := range allCommands() {
		if c.Usage == "" || c.UsageText == "" {
			t.Errorf("command %s lacks Usage or UsageText", c.Name)
		}
		if !strings.HasPrefix(c.UsageText, "vserverx [global options] ") {
			t.Errorf("command %s: usage text %q does not show the vserverx order", c.Name, c.UsageText)
		}
		for _, f := range c.Flags {
			if df, ok := f.(cli.DocGenerationFlag); !ok || df.GetUsage() == "" {
				t.Errorf("command %s: flag %v has no usage", c.Name, f.Names())
			}
		}
	}
	for _, f := range globalFlags() {
		if df, ok := f.(cli.DocGenerationFlag); !ok || df.GetUsage() == "" {
			t.Errorf("global flag %v has no usage", f.Names())
		}
	}
}

// TestHelpListsEveryVisibleCommand: --help names every guest and host
// command that is not hidden.
func TestHelpListsEveryVisibleCommand(t *testing.T) {
	r := runCLI(t, "--help")
	if r.code != 0 {
		t.Fatalf("--help: %s", r)
	}
	for _, c := range allCommands() {
		if c.Hidden {
			if strings.Contains(r.stdout, c.Name) {
				t.Errorf("--help shows hidden command %s", c.Name)
			}
			continue
		}
		if !strings.Contains(r.stdout, "   "+c.Name) {
			t.Errorf("--help does not list %s:\n%s", c.Name, r.stdout)
		}
	}
	for _, f := range globalFlags() {
		if !strings.Contains(r.stdout, "--"+f.Names()[0]) {
			t.Errorf("--help does not list --%s", f.Names()[0])
		}
	}
}

func TestGuestCommandHelp(t *testing.T) {
	for _, cmd := range []string{"start", "stop", "status", "check", "plan", "enter", "setup"} {
		r := runCLI(t, "fw", cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "vserverx [global options] fw "+cmd) {
			t.Errorf("fw %s --help: %s", cmd, r)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, "--version")
	if r.code != 0 || !strings.Contains(r.stdout, version) {
		t.Fatalf("--version: %s", r)
	}
}

// TestUsageErrors: mistakes in how vserverx is called exit 2 with a one-line
// reason and a pointer to --help.
func TestUsageErrors(t *testing.T) {
	confdir := repoPath("testdata/confdirs/classic")
	cases := []struct {
		args []string
		want string
	}{
		{nil, "missing guest NAME and COMMAND"},
		{[]string{"fw"}, `missing COMMAND after guest name "fw"`},
		{[]string{"--bogus", "fw", "start"}, "flag provided but not defined: -bogus"},
		{[]string{"--confdir", confdir, "fw", "check", "extra"}, `unexpected argument(s) ["extra"]`},
		{[]string{"--confdir", confdir, "fw", "status", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"start-all"}, "give --mark MARK or --all"},
		{[]string{"../etc", "start"}, `"../etc" is not a guest name`},
		{[]string{"--confdir", confdir, "fw", "netns-exec"}, "netns-exec: missing CMD"},
	}
	for _, c := range cases {
		r := runCLI(t, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "vserverx --help") {
			t.Errorf("vserverx %v: want exit 2 with %q and a pointer to --help, got %s", c.args, c.want, r)
		}
	}
}

// TestPlanClassic: the classic guest's plan shows its VLAN link with the
// generated MAC, from the example confdir, without root and changing
// nothing; start would refuse because setup has not been run, so exit 1.
func TestPlanClassic(t *testing.T) {
	confdir := repoPath("testdata/confdirs/classic")
	before := listTree(t, confdir)
	r := runCLI(t, "--confdir", confdir, "--vserver", "/bin/true", "fw", "plan")
	for _, want := range []string{
		"create network namespace fw at /run/netns/fw",
		"vlan 2 on eth0, named fw-vlan2 inside",
		"MAC 02:00:02:00:2a:00 (generated), alias vserverx:fw:0",
		"run /bin/true fw start inside fw",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 1 || !strings.Contains(r.stderr, "start would refuse: guest fw is not set up for namespace fw") {
		t.Errorf("plan before setup: want exit 1 saying start would refuse: %s", r)
	}
	if after := listTree(t, confdir); after != before {
		t.Errorf("plan changed the confdir:\nbefore %s\nafter %s", before, after)
	}
}

// TestCheckBrokenConfigurations: each broken configuration of
// testdata/broken fails `check` with exit 1, naming its own file.
func TestCheckBrokenConfigurations(t *testing.T) {
	dirs, err := filepath.Glob(repoPath("testdata/broken/*"))
	if err != nil || len(dirs) < 25 {
		t.Fatalf("want at least 25 broken configurations, got %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if brokenScope(t, dir) == "kernel" {
				t.Skip("a value the kernel refuses: see TestCheckCoversRefusals")
			}
			expect := strings.Split(readFile(t, filepath.Join(dir, "expect")), "\n")
			guest := strings.TrimSpace(readFile(t, filepath.Join(dir, "guest")))
			r := runCLI(t, "--confdir", dir, guest, "check")
			if r.code != 1 {
				t.Fatalf("check: want exit 1: %s", r)
			}
			if file := filepath.Join(dir, expect[0]); !strings.Contains(r.stdout, file+": ") {
				t.Errorf("check does not name %s:\n%s", file, r.stdout)
			}
			if !strings.Contains(r.stdout, expect[1]) {
				t.Errorf("check does not say %q:\n%s", expect[1], r.stdout)
			}
		})
	}
}

// TestCheckCleanExamples: the example confdirs pass check once set up.
func TestCheckCleanExamples(t *testing.T) {
	hostEth0(t)
	for _, ex := range []struct{ dir, guest string }{{"classic", "fw"}, {"classic-macvlan", "fw"}, {"dmz", "web"}, {"veth", "app"}} {
		confdir := t.TempDir()
		copyTree(t, repoPath("testdata/confdirs/"+ex.dir), confdir)
		if r := runCLI(t, "--confdir", confdir, ex.guest, "check"); r.code != 1 || !strings.Contains(r.stdout, "run vserverx "+ex.guest+" setup") {
			t.Errorf("%s: check before setup should ask for setup: %s", ex.dir, r)
		}
		if r := runCLI(t, "--confdir", confdir, ex.guest, "setup"); r.code != 0 {
			t.Fatalf("%s: setup: %s", ex.dir, r)
		}
		if r := runCLI(t, "--confdir", confdir, ex.guest, "check"); r.code != 0 || !strings.Contains(r.stdout, "OK") {
			t.Errorf("%s: check after setup: %s", ex.dir, r)
		}
		if r := runCLI(t, "--confdir", confdir, ex.guest, "setup"); r.code != 0 || !strings.Contains(r.stdout, "already set up") {
			t.Errorf("%s: second setup should change nothing: %s", ex.dir, r)
		}
	}
}

// TestVspaceRewriteCommand: the array util-vserver hands over is printed
// back without the enter run (inside X) or with the netns-exec prefix.
func TestVspaceRewriteCommand(t *testing.T) {
	confdir := repoPath("testdata/confdirs/classic")
	words := []string{"/usr/sbin/vspace", "--enter", "fw", "--net", "--", "/usr/sbin/vspace", "--enter", "other", "--net", "--"}
	t.Setenv("VSERVERX_NETNS", "fw")
	r := runCLI(t, append([]string{"--confdir", confdir, "fw", "vspace-rewrite", "--"}, words...)...)
	if want := "VSPACE_SHARED_CMD=( '/usr/sbin/vspace' '--enter' 'other' '--net' '--' )\n"; r.code != 0 || r.stdout != want {
		t.Errorf("inside fw: got %s, want stdout %q", r, want)
	}
	t.Setenv("VSERVERX_NETNS", "")
	r = runCLI(t, append([]string{"--confdir", confdir, "fw", "vspace-rewrite", "--"}, words...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "'fw' 'netns-exec' '--' '/usr/sbin/vspace' '--enter' 'other'") || !strings.Contains(r.stdout, "'--confdir' '"+confdir+"'") {
		t.Errorf("plain vserver start: want the netns-exec prefix with the confdir: %s", r)
	}
	if strings.Contains(r.stdout, "'--vserver'") {
		t.Errorf("no vserver was found, yet the prefix names one: %s", r)
	}
	fake := filepath.Join(t.TempDir(), "vserver")
	writeExecutable(t, fake, "#!/bin/sh\n")
	r = runCLI(t, append([]string{"--confdir", confdir, "--vserver", fake, "fw", "vspace-rewrite", "--"}, words...)...)
	if strings.Count(r.stdout, "'--vserver'") != 1 || !strings.Contains(r.stdout, "'--vserver' '"+fake+"'") {
		t.Errorf("the prefix must name the vserver found, once: %s", r)
	}
}

// TestPassThrough: a command vserverx does not know goes to
// `vserver NAME COMMAND args...` with its exit code preserved.
func TestPassThrough(t *testing.T) {
	nstest.RequireRoot(t) // vserver runs in its own mount namespace
	dir := t.TempDir()
	fake := filepath.Join(dir, "vserver")
	writeExecutable(t, fake, "#!/bin/sh\necho \"args: $*\"\nexit 7\n")
	r := runCLI(t, "--confdir", repoPath("testdata/confdirs/classic"), "--vserver", fake, "fw", "exec", "ls", "-l")
	if r.code != 7 || r.stdout != "args: fw exec ls -l\n" {
		t.Fatalf("pass-through: want exit 7 and the arguments unchanged: %s", r)
	}
}

// TestMissingVserver: a start without util-vserver is refused before the
// host is touched, naming what was tried.
func TestMissingVserver(t *testing.T) {
	nstest.RequireRoot(t)
	before := nstest.Snapshot(t)
	r := runCLI(t, "--confdir", repoPath("testdata/confdirs/classic"), "--vserver", "/nonexistent/vserver", "fw", "start")
	if r.code != 1 || !strings.Contains(r.stderr, "/nonexistent/vserver does not exist") {
		t.Fatalf("want exit 1 naming the missing command: %s", r)
	}
	nstest.AssertSame(t, before)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeExecutable(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

// listTree lists every path below dir with its size, to detect changes.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			b.WriteString(p + " " + info.Mode().String() + "\n")
		}
		return nil
	})
	return b.String()
}

// TestHelpCommand: `help COMMAND` knows host and guest commands; `NAME help`
// shows the overview; an unknown topic is a usage error.
func TestHelpCommand(t *testing.T) {
	if r := runCLI(t, "help", "start"); r.code != 0 || !strings.Contains(r.stdout, "vserverx [global options] NAME start [ARGS...]") {
		t.Errorf("help start: %s", r)
	}
	if r := runCLI(t, "help", "start-all"); r.code != 0 || !strings.Contains(r.stdout, "--dry-run") {
		t.Errorf("help start-all: %s", r)
	}
	if r := runCLI(t, "fw", "help"); r.code != 0 || !strings.Contains(r.stdout, "GUEST COMMANDS") {
		t.Errorf("fw help: %s", r)
	}
	if r := runCLI(t, "help", "nope"); r.code != 2 || !strings.Contains(r.stderr, `no command "nope"`) {
		t.Errorf("help nope: %s", r)
	}
}

// TestMarkListIsOr: --mark a,b is one value meaning a or b (util-vserver's
// reading), not two values that must both match.
func TestMarkListIsOr(t *testing.T) {
	confdir := t.TempDir()
	copyTree(t, repoPath("testdata/confdirs/dmz"), confdir)
	if err := os.WriteFile(filepath.Join(confdir, "mail", "apps", "init", "mark"), []byte("other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "--confdir", confdir, "start-all", "--mark", "default,other", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "2 guests") {
		t.Errorf("--mark default,other should select web and mail: %s", r)
	}
	r = runCLI(t, "--confdir", confdir, "start-all", "--mark", "default", "--mark", "other", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "0 guests") && !strings.Contains(r.stdout, "no guest") {
		t.Errorf("--mark default --mark other should select nobody: %s", r)
	}
}

// TestVarsFromEnvironment: UTIL_VSERVER_VARS is the default of
// --util-vserver-vars, as for util-vserver's own programs.
func TestVarsFromEnvironment(t *testing.T) {
	vars := filepath.Join(t.TempDir(), "vars")
	confdir := repoPath("testdata/confdirs/classic")
	if err := os.WriteFile(vars, []byte("__CONFDIR='"+confdir+"'\n__SBINDIR='/nonexistent'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("UTIL_VSERVER_VARS", vars)
	if r := runCLI(t, "fw", "plan"); !strings.Contains(r.stdout, "vlan 2 on eth0") || !strings.Contains(r.stdout, "/nonexistent/vserver") {
		t.Errorf("plan did not use the confdir and vserver of UTIL_VSERVER_VARS: %s", r)
	}
	t.Setenv("UTIL_VSERVER_VARS", vars+".missing")
	if r := runCLI(t, "fw", "plan"); r.code != 1 || !strings.Contains(r.stderr, vars+".missing") {
		t.Errorf("a missing UTIL_VSERVER_VARS file must be an error naming it: %s", r)
	}
}

// TestGuestHelpFlag: `vserverx NAME --help` shows the overview.
func TestGuestHelpFlag(t *testing.T) {
	if r := runCLI(t, "fw", "--help"); r.code != 0 || !strings.Contains(r.stdout, "GUEST COMMANDS") {
		t.Errorf("fw --help: %s", r)
	}
}

// TestCheckReportsEverything: check lists configuration problems, missing
// setup and guests that bypass the host-wide mount protection together.
func TestCheckReportsEverything(t *testing.T) {
	confdir := t.TempDir()
	copyTree(t, repoPath("testdata/confdirs/classic"), confdir)
	own := filepath.Join(confdir, "other", "scripts", "initialize")
	if err := os.MkdirAll(filepath.Dir(own), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(own, []byte("echo own initialize\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "--confdir", confdir, "fw", "setup"); r.code != 0 {
		t.Fatalf("setup: %s", r)
	}
	if r := runCLI(t, "--confdir", confdir, "fw", "check"); r.code != 1 || !strings.Contains(r.stdout, own+": ") {
		t.Errorf("check should name the guest whose initialize scriptlet bypasses the protection: %s", r)
	}
	mtu := filepath.Join(confdir, ".netns", "fw", "interfaces", "0", "mtu")
	if err := os.WriteFile(mtu, []byte("9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(confdir, "fw", "scripts", "postpost-stop.d", "vserverx"))
	r := runCLI(t, "--confdir", confdir, "fw", "check")
	for _, want := range []string{mtu + ": ", filepath.Join(confdir, "fw", "scripts", "postpost-stop.d", "vserverx") + ": ", own + ": "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check does not report %s together with the rest: %s", want, r)
		}
	}
}

// brokenScope is what the scope file of a broken confdir says ("" when it
// has none): "check-all" for a conflict between namespace definitions,
// "kernel" for a value the kernel refuses, found on a host.
func brokenScope(t *testing.T, dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "scope")); err != nil {
		return ""
	}
	return strings.TrimSpace(readFile(t, filepath.Join(dir, "scope")))
}
