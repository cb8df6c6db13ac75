// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package wrapper_test

// Tests of the util-vserver stand-in in testdata/util-vserver: that it
// reproduces the util-vserver behaviour vserverx has to fit, so that the
// end-to-end tests driving it prove something.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// standin is one test's installation of the stand-in: its own confdir,
// run state and util-vserver-vars file.
type standin struct {
	bin   string // testdata/util-vserver (absolute)
	conf  string // __CONFDIR
	state string // the STATEDIR given to mkvars; run state is state/run
	vars  string // the util-vserver-vars file
	trace string // STANDIN_TRACE
	env   []string
}

// newStandin makes a fresh confdir and vars file with mkvars and, when the
// test ends, kills whatever guests are still running.
func newStandin(t *testing.T) *standin {
	t.Helper()
	nstest.RequireRoot(t)
	bin, err := filepath.Abs("../testdata/util-vserver")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &standin{bin: bin, conf: filepath.Join(dir, "conf"), state: filepath.Join(dir, "state"),
		vars: filepath.Join(dir, "util-vserver-vars"), trace: filepath.Join(dir, "trace")}
	mustMkdir(t, filepath.Join(s.conf, ".defaults"))
	if out, err := exec.Command(filepath.Join(bin, "mkvars"), s.conf, s.state, s.vars).CombinedOutput(); err != nil {
		t.Fatalf("mkvars: %v: %s", err, out)
	}
	t.Cleanup(s.killGuests)
	return s
}

// killGuests kills the process group of every guest still running.
func (s *standin) killGuests() {
	pids, _ := filepath.Glob(filepath.Join(s.state, "run", "*", "pid"))
	for _, f := range pids {
		b, _ := os.ReadFile(f)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
			_ = exec.Command("kill", "-KILL", "--", "-"+strconv.Itoa(pid)).Run()
		}
	}
}

// guest creates CONFDIR/name with a vdir and an fstab (util-vserver only
// cleans the mount namespace of guests that have an fstab) plus files
// (path relative to the guest dir → content; a trailing "*" on the path
// makes the file executable).
func (s *standin) guest(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(s.conf, name)
	mustMkdir(t, filepath.Join(dir, "vdir"))
	mustWrite(t, filepath.Join(dir, "fstab"), "")
	for p, content := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, "*") {
			p, mode = strings.TrimSuffix(p, "*"), 0o755
		}
		full := filepath.Join(dir, p)
		mustMkdir(t, filepath.Dir(full))
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// result is what one run of a stand-in program gave.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs a stand-in program (vserver, vspace, vprocunhide) with the
// test's vars, trace file and extra environment.
func (s *standin) run(t *testing.T, prog string, args ...string) result {
	t.Helper()
	return s.runCmd(t, exec.Command(filepath.Join(s.bin, prog), args...))
}

// runIn runs a stand-in program in the named network namespace X through
// `ip netns exec X`.
func (s *standin) runIn(t *testing.T, netns, prog string, args ...string) result {
	t.Helper()
	return s.runCmd(t, exec.Command("ip", append([]string{"netns", "exec", netns, filepath.Join(s.bin, prog)}, args...)...))
}

func (s *standin) runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "UTIL_VSERVER_VARS="+s.vars, "STANDIN_TRACE="+s.trace)
	cmd.Env = append(cmd.Env, s.env...)
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return r
}

// mustStart starts guest name and fails the test when that fails.
func (s *standin) mustStart(t *testing.T, name string) {
	t.Helper()
	if r := s.run(t, "vserver", name, "start"); r.code != 0 {
		t.Fatalf("vserver %s start: %s", name, r)
	}
}

// stateFile reads STATEDIR/run/name/file, trimmed; "" when missing.
func (s *standin) stateFile(name, file string) string {
	b, err := os.ReadFile(filepath.Join(s.state, "run", name, file))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// traceLines returns the trace lines whose first two fields are kind and
// guest, each as the list of its remaining fields.
func (s *standin) traceLines(t *testing.T, kind, guest string) [][]string {
	t.Helper()
	f, err := os.Open(s.trace)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) >= 2 && fields[0] == kind && fields[1] == guest {
			lines = append(lines, fields[2:])
		}
	}
	return lines
}

// traceArrays returns the arrays the stand-in dumped after prepre-start
// (the last start traced).
func (s *standin) traceArrays(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(s.trace)
	if err != nil {
		t.Fatalf("no trace: %v", err)
	}
	arrays := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		fields := strings.Split(line, "\t")
		switch fields[0] {
		case "OPTS_VSPACE", "OPTS_VSPACE_SHARED", "VSPACE_SHARED_CMD":
			words := fields[1:]
			if len(words) == 0 {
				words = nil
			}
			arrays[fields[0]] = words
		}
	}
	return arrays
}

// phases lists the phases the trace shows for guest, in order.
func (s *standin) phases(t *testing.T, guest string) []string {
	t.Helper()
	var out []string
	for _, f := range s.traceLines(t, "phase", guest) {
		out = append(out, f[0])
	}
	return out
}

func selfNetns(t *testing.T) string {
	t.Helper()
	l, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// netnsOf returns "net:[inode]" of the named namespace /run/netns/name.
func netnsOf(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", name, "readlink", "/proc/self/ns/net").CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns exec %s readlink: %v: %s", name, err, out)
	}
	return strings.TrimSpace(string(out))
}

// addNetns runs `ip netns add name` (which makes /run/netns a shared mount)
// and deletes it when the test ends.
func addNetns(t *testing.T, name string) {
	t.Helper()
	nstest.IP(t, "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
}

// netnsWorks reports whether `ip netns exec name true` works.
func netnsWorks(name string) bool {
	return exec.Command("ip", "netns", "exec", name, "true").Run() == nil
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	mustMkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStandinSpacesNet checks the arrays built from spaces/net exactly as
// util-vserver builds them, and where the guest then runs.
func TestStandinSpacesNet(t *testing.T) {
	cases := []struct {
		name      string
		spacesNet *string
		opts      []string
		shared    []string
		cmdWords  func(bin string) []string
		ownNetns  bool // the guest gets a new private net namespace
	}{
		{name: "absent", opts: []string{"--default"}},
		{name: "empty", spacesNet: ptr(""), opts: []string{"--default", "--net"}, ownNetns: true},
		{name: "zero", spacesNet: ptr("0\n"), opts: []string{"--default"}},
		// util-vserver reads the value with `read`, whose failure on a
		// line without newline makes it treat the file as empty.
		{name: "name-without-newline", spacesNet: ptr("X"), opts: []string{"--default", "--net"}, ownNetns: true},
		{name: "name", spacesNet: ptr("X\n"), opts: []string{"--default"}, shared: []string{"--net"},
			cmdWords: func(bin string) []string {
				return []string{filepath.Join(bin, "vspace"), "--enter", "X", "--net", "--"}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStandin(t)
			files := map[string]string{}
			if c.spacesNet != nil {
				files["spaces/net"] = *c.spacesNet
			}
			s.guest(t, "g", files)
			r := s.run(t, "vserver", "g", "start")
			arrays := s.traceArrays(t)
			var wantCmd []string
			if c.cmdWords != nil {
				wantCmd = c.cmdWords(s.bin)
			}
			if !reflect.DeepEqual(arrays["OPTS_VSPACE"], c.opts) ||
				!reflect.DeepEqual(arrays["OPTS_VSPACE_SHARED"], c.shared) ||
				!reflect.DeepEqual(arrays["VSPACE_SHARED_CMD"], wantCmd) {
				t.Fatalf("arrays %q, want OPTS_VSPACE %q OPTS_VSPACE_SHARED %q VSPACE_SHARED_CMD %q",
					arrays, c.opts, c.shared, wantCmd)
			}
			if c.cmdWords != nil {
				// Context X does not run: the chain fails in vspace --enter.
				if r.code == 0 || !strings.Contains(r.stderr, "context 'X' does not exist") ||
					!strings.Contains(r.stderr, "Failed to start vserver 'g'") {
					t.Fatalf("start with spaces/net X and no context X: %s", r)
				}
				if s.run(t, "vserver", "g", "running").code == 0 {
					t.Fatal("guest runs after a failed start")
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("start: %s", r)
			}
			guestNet := s.stateFile("g", "netns")
			if (guestNet != selfNetns(t)) != c.ownNetns {
				t.Fatalf("guest netns %s, caller %s, want own netns %v", guestNet, selfNetns(t), c.ownNetns)
			}
			if set := s.stateFile("g", "vspace-set"); !strings.Contains(set, "netns\t"+guestNet) {
				t.Fatalf("vspace --set recorded %q, want netns %s", set, guestNet)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestStandinSourcedScriptletRewritesArray: a non-executable scriptlet is
// sourced, sees $1=PHASE $2=NAME, and its rewrite of VSPACE_SHARED_CMD is
// the one the start chain uses.
func TestStandinSourcedScriptletRewritesArray(t *testing.T) {
	s := newStandin(t)
	addNetns(t, "X")
	args := filepath.Join(t.TempDir(), "args")
	s.guest(t, "g", map[string]string{
		"spaces/net":             "X\n",
		"namespace-cleanup-skip": "/run/netns/X\n",
		"scripts/prepre-start.d/50-fix": "echo \"$1 $2 ${#VSPACE_SHARED_CMD[@]}\" >" + args + "\n" +
			"VSPACE_SHARED_CMD=( ip netns exec X )\n",
	})
	s.mustStart(t, "g")
	if got, _ := os.ReadFile(args); string(got) != "prepre-start g 5\n" {
		t.Fatalf("sourced scriptlet saw %q, want \"prepre-start g 5\"", got)
	}
	if got := s.traceArrays(t)["VSPACE_SHARED_CMD"]; !reflect.DeepEqual(got, []string{"ip", "netns", "exec", "X"}) {
		t.Fatalf("VSPACE_SHARED_CMD after prepre-start %q", got)
	}
	if got, want := s.stateFile("g", "netns"), netnsOf(t, "X"); got != want {
		t.Fatalf("guest runs in %s, want X (%s)", got, want)
	}
}

// TestStandinScriptletsOrderAndDefaults: phases in util-vserver's order;
// executables get PHASE NAME; .defaults/scripts run only when the guest
// has no scriptlet for the phase, or one of its sourced ones sets
// DONT_SKIP_DEFAULTS.
func TestStandinScriptletsOrderAndDefaults(t *testing.T) {
	s := newStandin(t)
	log := filepath.Join(t.TempDir(), "log")
	exe := "#!/bin/bash\necho \"$(basename \"$(dirname \"$0\")\")/$(basename \"$0\") $* $PWD\" >>" + log + "\n"
	s.guest(t, "g", map[string]string{
		"scripts/initialize*":       exe,
		"scripts/pre-start.d/10-a*": exe,
		"scripts/post-start.d/10-b": "DONT_SKIP_DEFAULTS=1\n",
		"scripts/postpost-stop*":    exe,
	})
	for _, phase := range []string{"initialize", "pre-start", "post-start", "pre-stop"} {
		f := filepath.Join(s.conf, ".defaults/scripts", phase+".d", "90-default")
		mustMkdir(t, filepath.Dir(f))
		if err := os.WriteFile(f, []byte(exe), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A package manager's backup is never run.
	mustWrite(t, filepath.Join(s.conf, "g/scripts/pre-start.d/10-a.rpmsave"), "exit 1\n")
	s.mustStart(t, "g")
	if r := s.run(t, "vserver", "g", "stop"); r.code != 0 {
		t.Fatalf("stop: %s", r)
	}
	gdir := filepath.Join(s.conf, "g")
	want := strings.Join([]string{
		"scripts/initialize initialize g " + gdir, // guest has one: default skipped
		"pre-start.d/10-a pre-start g " + gdir + "/vdir",
		"post-start.d/90-default post-start g " + gdir + "/vdir", // DONT_SKIP_DEFAULTS
		"pre-stop.d/90-default pre-stop g " + gdir + "/vdir",     // guest has none
		"scripts/postpost-stop postpost-stop g " + gdir + "/vdir",
	}, "\n") + "\n"
	if got, _ := os.ReadFile(log); string(got) != want {
		t.Fatalf("scriptlets ran:\n%s\nwant:\n%s", got, want)
	}
	wantPhases := []string{"initialize", "prepre-start", "pre-start", "post-start", "pre-stop", "post-stop", "postpost-stop"}
	if got := s.phases(t, "g"); !reflect.DeepEqual(got, wantPhases) {
		t.Fatalf("phases %q, want %q", got, wantPhases)
	}
}

// TestStandinFailingScriptletFailsStart: a failing scriptlet fails the start
// with its exit code; nothing runs.
func TestStandinFailingScriptletFailsStart(t *testing.T) {
	for _, c := range []struct{ name, file, content string }{
		{"executable", "scripts/prepre-start*", "#!/bin/sh\nexit 7\n"},
		{"sourced", "scripts/pre-start", "false\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newStandin(t)
			s.guest(t, "g", map[string]string{c.file: c.content})
			r := s.run(t, "vserver", "g", "start")
			if r.code == 0 || !strings.Contains(r.stderr, "Failed to start vserver 'g'") {
				t.Fatalf("start with a failing scriptlet: %s", r)
			}
			if c.name == "executable" && r.code != 7 {
				t.Fatalf("exit %d, want the scriptlet's 7", r.code)
			}
			if st := s.run(t, "vserver", "g", "status"); st.code != 3 {
				t.Fatalf("status after failed start: %s", st)
			}
			if s.stateFile("g", "pid") != "" {
				t.Fatal("a guest pid was recorded")
			}
		})
	}
}

// TestStandinFailStartEnv: STANDIN_FAIL_START=1 fails after prepre-start.
func TestStandinFailStartEnv(t *testing.T) {
	s := newStandin(t)
	s.guest(t, "g", nil)
	s.env = []string{"STANDIN_FAIL_START=1"}
	r := s.run(t, "vserver", "g", "start")
	if r.code == 0 || !strings.Contains(r.stderr, "STANDIN_FAIL_START") || !strings.Contains(r.stderr, "Failed to start vserver 'g'") {
		t.Fatalf("start with STANDIN_FAIL_START=1: %s", r)
	}
	if got := s.phases(t, "g"); !reflect.DeepEqual(got, []string{"initialize", "prepre-start"}) {
		t.Fatalf("phases %q, want initialize, prepre-start", got)
	}
	if s.run(t, "vserver", "g", "running").code == 0 {
		t.Fatal("guest runs")
	}
}

// TestStandinStartDelay: STANDIN_START_DELAY makes start take that long.
func TestStandinStartDelay(t *testing.T) {
	s := newStandin(t)
	s.guest(t, "g", nil)
	s.env = []string{"STANDIN_START_DELAY=0.4"}
	t0 := time.Now()
	s.mustStart(t, "g")
	if d := time.Since(t0); d < 400*time.Millisecond {
		t.Fatalf("start took %v with STANDIN_START_DELAY=0.4", d)
	}
}

// TestStandinDefaultTTY: with --defaulttty, what a start prints after
// pre-start (here post-start's echo) goes to apps/init/tty, else
// .defaults/apps/init/tty, else /dev/null, not to the caller; pre-start's
// output still reaches the caller. Without it, post-start's reaches the
// caller.
func TestStandinDefaultTTY(t *testing.T) {
	s := newStandin(t)
	scripts := map[string]string{
		"scripts/pre-start*":  "#!/bin/sh\necho pre-start of $2\n",
		"scripts/post-start*": "#!/bin/sh\necho post-start of $2\n",
	}
	for _, g := range []string{"own", "dflt", "none", "plain"} {
		s.guest(t, g, scripts)
	}
	ownTTY, dfltTTY := filepath.Join(s.conf, "own/apps/init/tty"), filepath.Join(s.conf, ".defaults/apps/init/tty")
	for _, f := range []string{ownTTY, dfltTTY} {
		mustMkdir(t, filepath.Dir(f))
		mustWrite(t, f, "")
	}
	start := func(g string, opts ...string) result {
		t.Helper()
		r := s.run(t, "vserver", append(opts, g, "start")...)
		if r.code != 0 {
			t.Fatalf("vserver %s start: %s", g, r)
		}
		return r
	}
	for _, c := range []struct{ guest, tty string }{{"own", ownTTY}, {"dflt", dfltTTY}} {
		r := start(c.guest, "--defaulttty")
		if !strings.Contains(r.stdout, "pre-start of "+c.guest) || strings.Contains(r.stdout+r.stderr, "post-start") {
			t.Errorf("--defaulttty start of %s: want pre-start's output and not post-start's:\n%s", c.guest, r)
		}
		if b, _ := os.ReadFile(c.tty); !strings.Contains(string(b), "post-start of "+c.guest) {
			t.Errorf("%s holds %q, want post-start's output of %s", c.tty, b, c.guest)
		}
	}
	if err := os.Remove(dfltTTY); err != nil {
		t.Fatal(err)
	}
	if r := start("none", "--defaulttty"); strings.Contains(r.stdout+r.stderr, "post-start") {
		t.Errorf("--defaulttty start without a tty: post-start's output reached the caller:\n%s", r)
	}
	if r := start("plain"); !strings.Contains(r.stdout, "post-start of plain") {
		t.Errorf("start without --defaulttty: post-start's output is missing:\n%s", r)
	}
}

// TestStandinVspace: vspace --enter X fails when no context X runs, and
// runs the command in X's net namespace when it does; --new --net makes a
// new one; usage errors exit 255.
func TestStandinVspace(t *testing.T) {
	s := newStandin(t)
	r := s.run(t, "vspace", "--enter", "X", "--net", "--", "true")
	if r.code != 255 || !strings.Contains(r.stderr, "context 'X' does not exist") {
		t.Fatalf("vspace --enter X without X: %s", r)
	}
	s.guest(t, "X", map[string]string{"spaces/net": "", "context": "42\n"})
	s.mustStart(t, "X")
	guestNet := s.stateFile("X", "netns")
	if guestNet == selfNetns(t) {
		t.Fatal("guest X with empty spaces/net runs in the caller's netns")
	}
	for _, ctx := range []string{"X", "42", filepath.Join(s.conf, "X")} {
		r = s.run(t, "vspace", "--enter", ctx, "--net", "--", "readlink", "/proc/self/ns/net")
		if r.code != 0 || strings.TrimSpace(r.stdout) != guestNet {
			t.Fatalf("vspace --enter %s: %s, want %s", ctx, r, guestNet)
		}
	}
	r = s.run(t, "vspace", "--new", "--net", "--", "readlink", "/proc/self/ns/net")
	if out := strings.TrimSpace(r.stdout); r.code != 0 || out == selfNetns(t) || out == guestNet {
		t.Fatalf("vspace --new --net: %s", r)
	}
	for _, args := range [][]string{{"--net", "--", "true"}, {"--new", "--", "true"}, {"--new", "--net"}} {
		if r = s.run(t, "vspace", args...); r.code != 255 {
			t.Fatalf("vspace %q: %s, want exit 255", args, r)
		}
	}
	if r = s.run(t, "vspace", "--set", "--net"); r.code != 255 || !strings.Contains(r.stderr, "STANDIN_CONTEXT") {
		t.Fatalf("vspace --set outside a context: %s", r)
	}
}

// TestStandinCleanupHazard reproduces util-vserver's mount propagation hazard:
// with /run/netns shared (ip netns add does that), starting a guest whose
// namespace-cleanup-skip lacks /run/netns/X removes X from the caller.
func TestStandinCleanupHazard(t *testing.T) {
	cases := []struct {
		name     string
		files    map[string]string
		defaults string // .defaults/namespace-cleanup-skip, "" for none
		noFstab  bool
		survives bool
	}{
		{name: "no-skip-list"},
		{name: "skip-lists-X", files: map[string]string{"namespace-cleanup-skip": "/run/netns/X\n"}, survives: true},
		{name: "skip-lists-parent-only", files: map[string]string{"namespace-cleanup-skip": "/run/netns\n"}},
		{name: "defaults-list-X", defaults: "/run/netns/X\n", survives: true},
		{name: "own-list-hides-defaults", defaults: "/run/netns/X\n",
			files: map[string]string{"namespace-cleanup-skip": "/srv\n"}},
		{name: "no-fstab-no-cleanup", noFstab: true, survives: true},
		{name: "nonamespace-cleanup", files: map[string]string{"nonamespace-cleanup": ""}, survives: true},
		{name: "nonamespace", files: map[string]string{"nonamespace": ""}, survives: true},
		{name: "rslave-in-initialize", survives: true,
			files: map[string]string{"scripts/initialize.d/10-rslave": "mount --make-rslave /\n"}},
		{name: "rslave-too-late-in-pre-start",
			files: map[string]string{"scripts/pre-start.d/10-rslave": "mount --make-rslave /\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStandin(t)
			addNetns(t, "X")
			if !netnsWorks("X") {
				t.Fatal("ip netns exec X fails before the start")
			}
			if c.defaults != "" {
				mustWrite(t, filepath.Join(s.conf, ".defaults/namespace-cleanup-skip"), c.defaults)
			}
			dir := s.guest(t, "g", c.files)
			if c.noFstab {
				os.Remove(filepath.Join(dir, "fstab"))
			}
			s.mustStart(t, "g")
			if got := netnsWorks("X"); got != c.survives {
				t.Fatalf("after start, ip netns exec X works: %v, want %v (cleanup trace %q)",
					got, c.survives, s.traceLines(t, "cleanup", "g"))
			}
		})
	}
}

// TestStandinNetnsAddedInsideIsInvisible: a namespace that a scriptlet adds
// inside util-vserver's mount namespace, while the caller's /run/netns is
// not yet a mount, is not usable by the caller, as with util-vserver.
func TestStandinNetnsAddedInsideIsInvisible(t *testing.T) {
	s := newStandin(t)
	if _, err := os.Stat("/run/netns/Z"); err == nil {
		t.Fatal("/run/netns/Z exists before the test")
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", "Z").Run() })
	s.guest(t, "g", map[string]string{"scripts/prepre-start*": "#!/bin/sh\nexec ip netns add Z\n"})
	s.mustStart(t, "g")
	if netnsWorks("Z") {
		t.Fatal("namespace Z added inside util-vserver's mount namespace works on the caller's side")
	}
}

// TestStandinStatusAndRunning checks exit codes and messages of status,
// running, start of a running and stop of a stopped guest.
func TestStandinStatusAndRunning(t *testing.T) {
	s := newStandin(t)
	s.guest(t, "g", map[string]string{"context": "42\n"})
	if r := s.run(t, "vserver", "g", "status"); r.code != 3 || !strings.Contains(r.stdout, "Vserver 'g' is stopped") {
		t.Fatalf("status of stopped guest: %s", r)
	}
	if r := s.run(t, "vserver", "g", "running"); r.code != 1 {
		t.Fatalf("running of stopped guest: %s", r)
	}
	if r := s.run(t, "vserver", "g", "stop"); r.code != 0 || !strings.Contains(r.stderr, "vserver 'g' is not running") {
		t.Fatalf("stop of stopped guest: %s", r)
	}
	if got := s.phases(t, "g"); len(got) != 0 {
		t.Fatalf("stop of a stopped guest ran phases %q", got)
	}
	s.mustStart(t, "g")
	if r := s.run(t, "vserver", "g", "status"); r.code != 0 ||
		!strings.Contains(r.stdout, "Vserver 'g' is running at context '42'") ||
		!strings.Contains(r.stdout, "Number of processes:  2") {
		t.Fatalf("status of running guest: %s", r)
	}
	if r := s.run(t, "vserver", "g", "running"); r.code != 0 {
		t.Fatalf("running of running guest: %s", r)
	}
	pid := s.stateFile("g", "pid")
	if r := s.run(t, "vserver", "g", "start"); r.code != 0 || !strings.Contains(r.stderr, "vserver 'g' already running") {
		t.Fatalf("start of running guest: %s", r)
	}
	if s.stateFile("g", "pid") != pid {
		t.Fatal("start of a running guest started another one")
	}
	if r := s.run(t, "vserver", "g", "restart"); r.code != 0 || s.stateFile("g", "pid") == pid {
		t.Fatalf("restart: %s (pid %s → %s)", r, pid, s.stateFile("g", "pid"))
	}
	if r := s.run(t, "vserver", "g", "stop"); r.code != 0 {
		t.Fatalf("stop: %s", r)
	}
	if r := s.run(t, "vserver", "g", "status"); r.code != 3 {
		t.Fatalf("status after stop: %s", r)
	}
	if _, err := os.Stat("/proc/" + pid); err == nil && !isZombie(pid) {
		t.Fatalf("guest process %s still alive after stop", pid)
	}
}

func isZombie(pid string) bool {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndex(s, ") ")
	return i < 0 || strings.HasPrefix(s[i+2:], "Z")
}

// TestStandinExecEnter: exec runs in the guest's net namespace; exec on a
// stopped guest fails.
func TestStandinExecEnter(t *testing.T) {
	s := newStandin(t)
	s.guest(t, "g", map[string]string{"spaces/net": "", "shell": "/bin/sh\n"})
	if r := s.run(t, "vserver", "g", "exec", "true"); r.code != 1 || !strings.Contains(r.stderr, "running vservers only") {
		t.Fatalf("exec on stopped guest: %s", r)
	}
	s.mustStart(t, "g")
	r := s.run(t, "vserver", "g", "exec", "readlink", "/proc/self/ns/net")
	if r.code != 0 || strings.TrimSpace(r.stdout) != s.stateFile("g", "netns") {
		t.Fatalf("exec readlink: %s, want %s", r, s.stateFile("g", "netns"))
	}
	cmd := exec.Command(filepath.Join(s.bin, "vserver"), "g", "enter")
	cmd.Stdin = strings.NewReader("readlink /proc/self/ns/net\n")
	r = s.runCmd(t, cmd)
	if r.code != 0 || strings.TrimSpace(r.stdout) != s.stateFile("g", "netns") {
		t.Fatalf("enter: %s", r)
	}
}

// TestStandinHelperLingers: after stop returns, a helper process stays for
// a moment in the network namespace stop was called in; none with
// STANDIN_HELPER_LINGER=0.
func TestStandinHelperLingers(t *testing.T) {
	for _, c := range []struct {
		linger string
		want   bool
	}{{"", true}, {"0", false}} {
		t.Run("linger="+c.linger, func(t *testing.T) {
			s := newStandin(t)
			s.guest(t, "g", nil)
			s.mustStart(t, "g")
			addNetns(t, "Y") // after the start, whose cleanup would remove it
			if c.linger != "" {
				s.env = []string{"STANDIN_HELPER_LINGER=" + c.linger}
			}
			if r := s.runIn(t, "Y", "vserver", "g", "stop"); r.code != 0 {
				t.Fatalf("stop in Y: %s", r)
			}
			y := netnsOf(t, "Y")
			if got := len(pidsIn(y)); (got > 0) != c.want {
				t.Fatalf("right after stop, %d processes in Y, want some: %v", got, c.want)
			}
			time.Sleep(700 * time.Millisecond)
			if got := pidsIn(y); len(got) != 0 {
				t.Fatalf("processes %v still in Y 0.7 s after stop", got)
			}
		})
	}
}

// pidsIn lists the live processes whose network namespace is netns.
func pidsIn(netns string) []string {
	var pids []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		if l, err := os.Readlink(d + "/ns/net"); err == nil && l == netns && !isZombie(filepath.Base(d)) {
			pids = append(pids, filepath.Base(d))
		}
	}
	return pids
}

// TestStandinVprocunhide: vprocunhide records the net namespace it ran in.
func TestStandinVprocunhide(t *testing.T) {
	s := newStandin(t)
	addNetns(t, "Y")
	if r := s.runIn(t, "Y", "vprocunhide"); r.code != 0 {
		t.Fatalf("vprocunhide: %s", r)
	}
	b, err := os.ReadFile(filepath.Join(s.state, "run", "vprocunhide.log"))
	if err != nil || !strings.HasPrefix(string(b), netnsOf(t, "Y")+"\t") {
		t.Fatalf("vprocunhide.log %q (%v), want a line starting with Y's netns", b, err)
	}
}

// TestStandinErrors: a missing vars file, an unknown guest, an unknown
// command, start outside the sandbox and mkvars misuse fail as documented,
// leaving nothing behind.
func TestStandinErrors(t *testing.T) {
	s := newStandin(t)
	s.guest(t, "g", nil)
	missing := exec.Command(filepath.Join(s.bin, "vserver"), "g", "status")
	missing.Env = append(os.Environ(), "UTIL_VSERVER_VARS=/nonexistent/vars")
	if out, err := missing.CombinedOutput(); exitCode(err) != 1 || !strings.Contains(string(out), "/nonexistent/vars") {
		t.Fatalf("missing vars file: %v %s", err, out)
	}
	if r := s.run(t, "vserver", "nosuch", "start"); r.code != 5 || !strings.Contains(r.stderr, "Can not find a vserver-setup") {
		t.Fatalf("unknown guest: %s", r)
	}
	if r := s.run(t, "vserver", "g", "frobnicate"); r.code != 2 {
		t.Fatalf("unknown command: %s", r)
	}
	outside := exec.Command(filepath.Join(s.bin, "vserver"), "g", "start")
	outside.Env = []string{"PATH=" + os.Getenv("PATH"), "UTIL_VSERVER_VARS=" + s.vars}
	if out, err := outside.CombinedOutput(); exitCode(err) != 1 || !strings.Contains(string(out), "outside the test sandbox") {
		t.Fatalf("start outside the sandbox: %v %s", err, out)
	}
	if s.run(t, "vserver", "g", "running").code == 0 {
		t.Fatal("guest runs after refused start")
	}
	if out, err := exec.Command(filepath.Join(s.bin, "mkvars"), "relative", "/tmp").CombinedOutput(); exitCode(err) != 2 {
		t.Fatalf("mkvars with a relative confdir: %v %s", err, out)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestStandinInsideIPNetnsExec runs start the way vserverx does: inside X,
// in a mount namespace whose root is rslave (ip netns exec makes one), with
// a sourced scriptlet removing the vspace words. The guest runs in X and
// the cleanup, although the skip list lacks /run/netns/X, cannot remove X.
func TestStandinInsideIPNetnsExec(t *testing.T) {
	s := newStandin(t)
	addNetns(t, "X")
	s.guest(t, "g", map[string]string{
		"spaces/net":                    "X\n",
		"scripts/prepre-start.d/50-fix": "VSPACE_SHARED_CMD=()\n",
	})
	if r := s.runIn(t, "X", "vserver", "g", "start"); r.code != 0 {
		t.Fatalf("start inside X: %s", r)
	}
	if got, want := s.stateFile("g", "netns"), netnsOf(t, "X"); got != want {
		t.Fatalf("guest runs in %s, want X (%s)", got, want)
	}
	if cleaned := s.traceLines(t, "cleanup", "g"); len(cleaned) != 1 || !strings.Contains(strings.Join(cleaned[0], " "), "/run/netns/X") {
		t.Fatalf("the cleanup did not unmount /run/netns/X in its own namespace: %q", cleaned)
	}
	if !netnsWorks("X") {
		t.Fatal("X is gone on the caller's side although start ran below an rslave root")
	}
	if r := s.runIn(t, "X", "vserver", "g", "stop"); r.code != 0 {
		t.Fatalf("stop inside X: %s", r)
	}
}

// classicGuest makes guest g sharing namespace X (spaces/net X, with the
// prepre-start fix-up vserverx's scriptlet does) plus the interfaces/ files
// given, and gives X a veth pair v0/v1 (v0 down) for the addresses.
func classicGuest(t *testing.T, s *standin, files map[string]string) {
	t.Helper()
	addNetns(t, "X")
	nstest.IP(t, "-n", "X", "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	all := map[string]string{"spaces/net": "X\n", "scripts/prepre-start.d/50-fix": "VSPACE_SHARED_CMD=()\n"}
	for p, c := range files {
		all[p] = c
	}
	s.guest(t, "g", all)
}

// addrsIn lists `ip -o addr show dev DEV` inside X, one "ADDR/LEN ..." line
// per address with the interface label.
func addrsIn(t *testing.T, dev string) string {
	t.Helper()
	return nstest.IP(t, "-n", "X", "-o", "addr", "show", "dev", dev)
}

// TestStandinClassicInterfaces: start adds the interfaces/ addresses inside
// the network namespace the chain runs in (inherited prefix, label, the
// default broadcast), skips disabled and nodev entries, sets the device UP
// (not with down); stop removes them again.
func TestStandinClassicInterfaces(t *testing.T) {
	s := newStandin(t)
	classicGuest(t, s, map[string]string{
		"interfaces/prefix":     "24\n",
		"interfaces/0/ip":       "10.9.0.1\n",
		"interfaces/0/dev":      "v0\n",
		"interfaces/0/name":     "web\n",
		"interfaces/1/ip":       "10.9.0.2\n",
		"interfaces/1/dev":      "v0\n",
		"interfaces/1/disabled": "",
		"interfaces/2/ip":       "10.9.0.3\n",
		"interfaces/2/nodev":    "",
		"interfaces/v6/ip":      "2001:db8::1\n",
		"interfaces/v6/dev":     "v0\n",
		"interfaces/v6/prefix":  "64\n",
	})
	if r := s.runIn(t, "X", "vserver", "g", "start"); r.code != 0 {
		t.Fatalf("start: %s", r)
	}
	addrs := addrsIn(t, "v0")
	for _, want := range []string{"inet 10.9.0.1/24 brd 10.9.0.255 scope global v0:web", "inet6 2001:db8::1/64"} {
		if !strings.Contains(addrs, want) {
			t.Errorf("v0 in X lacks %q:\n%s", want, addrs)
		}
	}
	for _, absent := range []string{"10.9.0.2/", "10.9.0.3/"} {
		if strings.Contains(addrs, absent) {
			t.Errorf("v0 has %s (disabled or nodev):\n%s", absent, addrs)
		}
	}
	if link := nstest.IP(t, "-n", "X", "-o", "link", "show", "v0"); !strings.Contains(link, ",UP") {
		t.Errorf("v0 is not set up: %s", link)
	}
	if strings.Contains(nstest.IP(t, "-o", "addr", "show"), "10.9.0.1/") {
		t.Error("the address was added outside X")
	}
	if r := s.runIn(t, "X", "vserver", "g", "stop"); r.code != 0 {
		t.Fatalf("stop: %s", r)
	}
	if addrs := addrsIn(t, "v0"); strings.Contains(addrs, "10.9.0.1") || strings.Contains(addrs, "2001:db8::1") {
		t.Errorf("stop left addresses on v0:\n%s", addrs)
	}
}

// TestStandinClassicMissingDevice: a dev that does not exist in X makes ip
// fail with "Cannot find device"; start goes on (the other entry is added)
// and the guest runs. down: the address without setting the device up.
func TestStandinClassicMissingDevice(t *testing.T) {
	s := newStandin(t)
	classicGuest(t, s, map[string]string{
		"interfaces/0/ip":   "10.9.0.9\n",
		"interfaces/0/dev":  "eth9\n",
		"interfaces/1/ip":   "10.9.0.1\n",
		"interfaces/1/dev":  "v0\n",
		"interfaces/1/mask": "255.255.0.0\n",
		"interfaces/1/down": "",
	})
	r := s.runIn(t, "X", "vserver", "g", "start")
	if r.code != 0 || !strings.Contains(r.stderr, `Cannot find device "eth9"`) {
		t.Fatalf("want start to succeed after printing the ip error: %s", r)
	}
	if rr := s.run(t, "vserver", "g", "running"); rr.code != 0 {
		t.Errorf("guest not running: %s", rr)
	}
	if addrs := addrsIn(t, "v0"); !strings.Contains(addrs, "10.9.0.1/16") {
		t.Errorf("the entry after the failing one was not added (mask → /16):\n%s", addrs)
	}
	if link := nstest.IP(t, "-n", "X", "-o", "link", "show", "v0"); strings.Contains(link, ",UP") {
		t.Errorf("v0 was set up despite down: %s", link)
	}
	if rr := s.runIn(t, "X", "vserver", "g", "stop"); rr.code != 0 {
		t.Fatalf("stop: %s", rr)
	}
	if addrs := addrsIn(t, "v0"); strings.Contains(addrs, "10.9.0.1") {
		t.Errorf("stop left the address:\n%s", addrs)
	}
}

// TestStandinClassicUnsupportedAndBroken: indirect is skipped with a
// message; a missing ip fails start like util-vserver; a vlandev whose
// parent is not in X fails (ip's error, start goes on) — or, without the
// kernel's VLAN support in X, fails the start as util-vserver does.
func TestStandinClassicUnsupportedAndBroken(t *testing.T) {
	t.Run("indirect", func(t *testing.T) {
		s := newStandin(t)
		classicGuest(t, s, map[string]string{"interfaces/0/ip": "10.9.0.1\n", "interfaces/0/dev": "v0\n", "interfaces/0/indirect": ""})
		r := s.runIn(t, "X", "vserver", "g", "start")
		if r.code != 0 || !strings.Contains(r.stderr, "indirect (util-vserver's dummy-interface path) is not supported by the stand-in") {
			t.Fatalf("start: %s", r)
		}
		if addrs := addrsIn(t, "v0"); strings.Contains(addrs, "10.9.0.1") {
			t.Errorf("indirect entry was added:\n%s", addrs)
		}
	})
	t.Run("no ip", func(t *testing.T) {
		s := newStandin(t)
		classicGuest(t, s, map[string]string{"interfaces/0/dev": "v0\n"})
		r := s.runIn(t, "X", "vserver", "g", "start")
		if r.code == 0 || !strings.Contains(r.stderr, "Can not read ip for '") || !strings.Contains(r.stderr, "Failed to start vserver 'g'") {
			t.Fatalf("want start to fail: %s", r)
		}
		if rr := s.run(t, "vserver", "g", "running"); rr.code == 0 {
			t.Error("guest runs after a failed start")
		}
	})
	t.Run("vlandev without parent", func(t *testing.T) {
		s := newStandin(t)
		classicGuest(t, s, map[string]string{"interfaces/0/ip": "10.9.0.1\n", "interfaces/0/dev": "eth0.0002\n"})
		mustWrite(t, filepath.Join(s.conf, ".defaults", "interfaces", "vlandev"), "")
		r := s.runIn(t, "X", "vserver", "g", "start")
		if exec.Command("ip", "netns", "exec", "X", "test", "-d", "/proc/net/vlan").Run() != nil {
			if r.code == 0 || !strings.Contains(r.stderr, "vlan subsystem not enabled") {
				t.Fatalf("without /proc/net/vlan start must fail like util-vserver's: %s", r)
			}
			return
		}
		if r.code != 0 || !strings.Contains(r.stderr, "eth0") {
			t.Fatalf("want ip's error about eth0 and a successful start: %s", r)
		}
		if cmds := s.traceLines(t, "ifcmd", "g"); len(cmds) == 0 || strings.Join(cmds[0], " ") != "VLAN eth0.0002 eth0 0002" {
			t.Errorf("first interface command %q, want the VLAN creation", cmds)
		}
	})
}
