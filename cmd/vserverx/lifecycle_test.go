// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestClassicGuestStartStop: the classic single guest (a macvlan on eth0:
// this kernel has no 8021q) is set up, started inside its namespace, seen by
// iproute2, entered, and stopped without leaving anything behind.
func TestClassicGuestStartStop(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	h.mustVX("fw", "start")

	if got := netnsList(t); !slices.Equal(got, []string{"fw"}) {
		t.Fatalf("ip netns list = %v, want [fw]", got)
	}
	if got, want := h.guestNetns("fw"), h.netnsID("fw"); got != want {
		t.Fatalf("guest runs in %q, namespace fw is %q", got, want)
	}
	link := nstest.IP(t, "-n", "fw", "-d", "-o", "link", "show", "fw-lan")
	for _, want := range []string{"02:00:00:00:2a:00", "macvlan mode bridge", "alias vserverx:fw:0", "state UP"} {
		if !strings.Contains(link, want) {
			t.Errorf("ip -n fw -d link show fw-lan lacks %q:\n%s", want, link)
		}
	}
	addrs := nstest.IP(t, "-n", "fw", "-o", "addr", "show", "fw-lan")
	for _, want := range []string{"192.0.2.2/24", "2001:db8:2::2/64"} {
		if !strings.Contains(addrs, want) {
			t.Errorf("fw-lan lacks address %s:\n%s", want, addrs)
		}
	}
	if r := h.vx("fw", "enter", "--", "ip", "-o", "link"); r.code != 0 || !strings.Contains(r.stdout, "fw-lan") || strings.Contains(r.stdout, "eth0p") {
		t.Errorf("enter -- ip -o link does not show the namespace's links: %s", r)
	}
	if log, _ := os.ReadFile(filepath.Join(h.state, "run", "vprocunhide.log")); !strings.Contains(string(log), h.netnsID("fw")) {
		t.Errorf("vprocunhide did not run inside fw (%s): %q", h.netnsID("fw"), log)
	}
	if r := h.vx("fw", "status"); r.code != 0 || !strings.Contains(r.stdout, "fw-lan") {
		t.Errorf("status of a running guest: %s", r)
	}

	h.mustVX("fw", "stop")
	if r := h.vx("fw", "status"); r.code != 3 {
		t.Errorf("status of a stopped guest: want exit 3: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestGroupKeepsNamespaceUntilLastStops: two guests share namespace dmz;
// stopping the first keeps it (and says why), stopping the last removes it.
func TestGroupKeepsNamespaceUntilLastStops(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	h.mustVX("web", "setup")
	h.mustVX("mail", "setup")
	h.mustVX("web", "start")
	h.mustVX("mail", "start")
	if h.guestNetns("web") != h.guestNetns("mail") || h.guestNetns("web") != h.netnsID("dmz") {
		t.Fatalf("web (%s) and mail (%s) do not share namespace dmz (%s)", h.guestNetns("web"), h.guestNetns("mail"), h.netnsID("dmz"))
	}
	if out := nstest.IP(t, "-n", "dmz", "route", "show", "default"); !strings.Contains(out, "via 192.0.2.1") {
		t.Errorf("no default route via 192.0.2.1 in dmz: %s", out)
	}
	r := h.mustVX("web", "stop")
	if !strings.Contains(r.stdout, "keeping network namespace dmz") || !strings.Contains(r.stdout, "mail") {
		t.Errorf("stopping web should keep dmz for mail: %s", r)
	}
	if !slices.Contains(netnsList(t), "dmz") {
		t.Fatal("dmz was removed while mail still runs")
	}
	r = h.mustVX("mail", "stop")
	if !strings.Contains(r.stdout, "removed network namespace dmz") {
		t.Errorf("stopping the last member should remove dmz: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestPlainVserverWithScriptlets: with the scriptlets installed, plain
// `vserver NAME start` sets the namespace up through vserverx and the guest
// runs in it; plain `vserver NAME stop` tears it down.
func TestPlainVserverWithScriptlets(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	if r := h.vserver("fw", "start"); r.code != 0 {
		t.Fatalf("plain vserver fw start: %s", r)
	}
	if got, want := h.guestNetns("fw"), h.netnsID("fw"); got != want {
		t.Fatalf("guest runs in %q, namespace fw is %q", got, want)
	}
	nstest.IP(t, "-n", "fw", "link", "show", "fw-lan")
	if r := h.vserver("fw", "stop"); r.code != 0 {
		t.Fatalf("plain vserver fw stop: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestConcurrentStartsOfOneGroup: both members started at once end up in
// one namespace, both running.
func TestConcurrentStartsOfOneGroup(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	h.mustVX("web", "setup")
	h.mustVX("mail", "setup")
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i, g := range []string{"web", "mail"} {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = h.vx(g, "start") }()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("concurrent start %d: %s", i, r)
		}
	}
	if h.guestNetns("web") != h.netnsID("dmz") || h.guestNetns("mail") != h.netnsID("dmz") {
		t.Fatalf("guests not both in dmz: web %s mail %s dmz %s", h.guestNetns("web"), h.guestNetns("mail"), h.netnsID("dmz"))
	}
	if n := strings.Count(nstest.IP(t, "-n", "dmz", "-o", "link"), "vserverx:dmz:"); n != 1 {
		t.Errorf("dmz holds %d vserverx links, want 1", n)
	}
	h.mustVX("web", "stop")
	h.mustVX("mail", "stop")
	nstest.AssertSame(t, before)
}

// TestFailedStartIsUndone: when util-vserver's start fails, everything this
// start created is removed and the wrapped exit code is passed through.
func TestFailedStartIsUndone(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	before := nstest.Snapshot(t)
	h.env = append(h.env, "STANDIN_FAIL_START=1")
	r := h.vx("fw", "start")
	if r.code == 0 {
		t.Fatalf("start should fail: %s", r)
	}
	if !strings.Contains(r.stderr, "undoing what this start created") {
		t.Errorf("no word of the undo: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestBrokenConfigChangesNothing: a broken definition is refused before
// anything on the host changes, naming the file.
func TestBrokenConfigChangesNothing(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	h.write(".netns/fw/interfaces/0/mtu", "9\n")
	before := nstest.Snapshot(t)
	r := h.vx("fw", "start")
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(".netns", "fw", "interfaces", "0", "mtu")) {
		t.Fatalf("want exit 1 naming the mtu file: %s", r)
	}
	nstest.AssertSame(t, before)
	if h.vserver("fw", "running").code == 0 {
		t.Fatal("guest runs despite the broken configuration")
	}
}

// TestStartAfterKill: vserverx killed with SIGKILL after it created the
// namespace and while the guest was starting; the next start converges and
// the stop leaves nothing.
func TestStartAfterKill(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	before := nstest.Snapshot(t)
	cmd := exec.Command(h.bin, "--confdir", h.confdir, "--util-vserver-vars", h.vars, "fw", "start")
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars, "STANDIN_START_DELAY=30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "fw-lan inside fw", func() bool {
		return exec.Command("ip", "-n", "fw", "link", "show", "fw-lan").Run() == nil
	})
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	waitFor(t, "the killed start's processes to leave fw", func() bool {
		out, _ := exec.Command("ip", "netns", "pids", "fw").Output()
		return strings.TrimSpace(string(out)) == ""
	})

	h.mustVX("fw", "start")
	if got, want := h.guestNetns("fw"), h.netnsID("fw"); got != want {
		t.Fatalf("guest runs in %q, namespace fw is %q", got, want)
	}
	if n := strings.Count(nstest.IP(t, "-n", "fw", "-o", "link"), "vserverx:fw:"); n != 1 {
		t.Errorf("fw holds %d vserverx links after converging, want 1", n)
	}
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
}

// TestUnmanagedGuestDoesNotBreakNamespace: a guest vserverx does not manage,
// started with plain vserver while fw runs, would unmount /run/netns/fw on
// the host through the shared mount; the host-wide scriptlet `setup`
// installs prevents that.
func TestUnmanagedGuestDoesNotBreakNamespace(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.write("other/context", "300\n")
	h.write("other/fstab", "")
	if err := os.MkdirAll(filepath.Join(h.confdir, "other", "vdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	h.mustVX("fw", "start")
	if r := h.vserver("other", "start"); r.code != 0 {
		t.Fatalf("plain vserver other start: %s", r)
	}
	if out, err := exec.Command("ip", "netns", "exec", "fw", "true").CombinedOutput(); err != nil {
		t.Fatalf("namespace fw broken on the host after starting an unmanaged guest: %v %s", err, out)
	}
	h.vserver("other", "stop")
	h.mustVX("fw", "stop")
	os.RemoveAll(filepath.Join(h.confdir, ".defaults"))
	os.RemoveAll(filepath.Join(h.confdir, "fw", "scripts"))
	nstest.AssertSame(t, before)
}

// TestStopWaitsForLingeringHelpers: util-vserver's lock helpers stay in the
// namespace for a moment after stop; vserverx waits for them instead of
// keeping the namespace.
func TestStopWaitsForLingeringHelpers(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	h.env = append(h.env, "STANDIN_HELPER_LINGER=1")
	h.mustVX("fw", "start")
	r := h.mustVX("fw", "stop")
	if !strings.Contains(r.stdout, "removed network namespace fw") {
		t.Fatalf("stop kept fw despite only a lingering helper: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestStartRunningStopStopped: like util-vserver, a second start and a
// second stop warn and exit 0.
func TestStartRunningStopStopped(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	h.mustVX("fw", "start")
	if r := h.mustVX("fw", "start"); !strings.Contains(r.stderr, "already running") {
		t.Errorf("second start: want a warning: %s", r)
	}
	h.mustVX("fw", "stop")
	if r := h.mustVX("fw", "stop"); !strings.Contains(r.stderr, "not running") {
		t.Errorf("second stop: want a warning: %s", r)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStartAllStopAll: the boot replacement starts the marked guests of
// two namespaces (the dmz members in parallel, serialized by the engine),
// in dependency order, and stop-all removes everything again.
func TestStartAllStopAll(t *testing.T) {
	h := newBootHost(t)
	before := nstest.Snapshot(t)
	h.write("mail/apps/init/mark", "other\n")
	r := h.mustVX("start-all", "--mark", "default", "-j", "4")
	t.Logf("start-all:\n%s", r.stdout)
	for _, want := range []string{"fw", "web"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("start-all output lacks %s: %s", want, r)
		}
	}
	if h.vserver("mail", "running").code == 0 {
		t.Error("start-all --mark default started mail, which is not marked default")
	}
	if h.guestNetns("fw") != h.netnsID("fw") || h.guestNetns("web") != h.netnsID("dmz") {
		t.Fatalf("guests not in their namespaces: fw %s/%s web %s/%s", h.guestNetns("fw"), h.netnsID("fw"), h.guestNetns("web"), h.netnsID("dmz"))
	}
	if r := h.vx("status-all", "--mark", "default"); r.code != 0 {
		t.Errorf("status-all with guests running: want 0: %s", r)
	}
	h.mustVX("start-all", "--mark", "default") // already running: unchanged, exit 0
	h.mustVX("stop-all", "--mark", "default")
	if r := h.vx("status-all", "--mark", "default"); r.code != 3 {
		t.Errorf("status-all with nothing running: want 3: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestInitScript drives the SysV init script (cmd/vserverx/contrib) against
// the built vserverx and the stand-in util-vserver: start, status, restart,
// stop and their LSB exit codes.
func TestInitScript(t *testing.T) {
	h := newBootHost(t)
	before := nstest.Snapshot(t)
	defaults := filepath.Join(t.TempDir(), "vserverx.default")
	content := "VSERVERX=" + h.bin + "\nVSERVERX_ARGS=\"--confdir " + h.confdir + " --util-vserver-vars " + h.vars + "\"\nVSERVERX_BOOT_ARGS=\"-j 2\"\n"
	if err := os.WriteFile(defaults, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	initScript := func(action string) result {
		h.env = append(h.env, "VSERVERX_DEFAULTS="+defaults)
		return h.run("/bin/sh", repoPath("cmd/vserverx/contrib/vserverx.init"), action)
	}
	steps := []struct {
		action string
		code   int
	}{
		{"status", 3}, {"start", 0}, {"status", 0}, {"restart", 0}, {"status", 0}, {"stop", 0}, {"status", 3}, {"bogus", 2},
	}
	for _, s := range steps {
		if r := initScript(s.action); r.code != s.code {
			t.Fatalf("init script %s: want exit %d: %s", s.action, s.code, r)
		}
		if s.action == "start" {
			for _, g := range []string{"fw", "web", "mail"} {
				if h.vserver(g, "running").code != 0 {
					t.Errorf("after init script start, %s does not run", g)
				}
			}
		}
	}
	nstest.AssertSame(t, before)
}

// TestEnterNeedsNamespace: enter on a guest whose namespace is not set up
// says how to set it up, and creates nothing.
func TestEnterNeedsNamespace(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	r := h.vx("fw", "enter", "--", "true")
	if r.code != 1 || !strings.Contains(r.stderr, "network namespace fw (/run/netns/fw) is not set up: start guest fw first") {
		t.Fatalf("enter without namespace: %s", r)
	}
	nstest.AssertSame(t, before)
}

// TestEnterExitCode: enter passes CMD's exit code through and tells CMD
// which namespace it is in.
func TestEnterExitCode(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	h.mustVX("fw", "start")
	defer h.vx("fw", "stop")
	r := h.vx("fw", "enter", "--", "sh", "-c", "echo $VSERVERX_NETNS; exit 9")
	if r.code != 9 || strings.TrimSpace(r.stdout) != "fw" {
		t.Fatalf("enter: want exit 9 and VSERVERX_NETNS=fw: %s", r)
	}
}

// TestUnmanagedGuestPassedThrough: a guest without a managed spaces/net is
// started and stopped by util-vserver alone; vserverx creates nothing.
func TestUnmanagedGuestPassedThrough(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.write("plain/context", "301\n")
	h.write("plain/fstab", "")
	h.write("plain/namespace-cleanup-skip", "/run/netns\n")
	if err := os.MkdirAll(filepath.Join(h.confdir, "plain", "vdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := nstest.Snapshot(t)
	h.mustVX("plain", "start")
	if h.vserver("plain", "running").code != 0 {
		t.Fatal("plain guest does not run")
	}
	if got := netnsList(t); len(got) != 0 {
		t.Errorf("vserverx created namespaces %v for an unmanaged guest", got)
	}
	if r := h.vx("plain", "setup"); r.code != 1 || !strings.Contains(r.stderr, "not managed by vserverx") {
		t.Errorf("setup of an unmanaged guest: %s", r)
	}
	h.mustVX("plain", "stop")
	nstest.AssertSame(t, before)
}

// TestSignalForwardedAndUndone: SIGTERM to vserverx while util-vserver
// starts the guest reaches vserver and vserverx passes its death on. The
// stand-in's own children (like util-vserver's) may survive in X, so the
// undo keeps X and names them; once they are gone, stop removes the
// leftovers.
func TestSignalForwardedAndUndone(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	before := nstest.Snapshot(t)
	cmd := exec.Command(h.bin, "--confdir", h.confdir, "--util-vserver-vars", h.vars, "fw", "start")
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars, "STANDIN_START_DELAY=30")
	stderrFile := filepath.Join(t.TempDir(), "stderr")
	f, err := os.Create(stderrFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stderr = f // a file, not a pipe: surviving children must not block Wait
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Start waits for IPv6 duplicate address detection before vserver runs.
	waitFor(t, "fw-lan inside fw, its addresses no longer tentative", func() bool {
		out, err := exec.Command("ip", "-n", "fw", "addr", "show", "fw-lan").CombinedOutput()
		return err == nil && !strings.Contains(string(out), "tentative")
	})
	time.Sleep(300 * time.Millisecond) // let vserver reach its start delay
	cmd.Process.Signal(syscall.SIGTERM)
	state, _ := cmd.Process.Wait()
	if state.ExitCode() == 0 {
		t.Fatalf("start survived SIGTERM: %v", state)
	}
	stderr := readFile(t, stderrFile)
	if !strings.Contains(stderr, "vserver fw start failed (exit code 143)") || !strings.Contains(stderr, "undoing what this start created") {
		t.Errorf("want the signal's exit code 143 and the undo:\n%s", stderr)
	}
	if slices.Contains(netnsList(t), "fw") && !strings.Contains(stderr, "keeping namespace fw: processes") {
		t.Errorf("fw kept without naming the processes in it:\n%s", stderr)
	}
	killNetnsProcesses(t, "fw")
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
}

// killNetnsProcesses kills what is left in named namespace x.
func killNetnsProcesses(t *testing.T, x string) {
	out, _ := exec.Command("ip", "netns", "pids", x).Output()
	for _, p := range strings.Fields(string(out)) {
		exec.Command("kill", "-KILL", p).Run()
	}
	waitFor(t, "processes to leave "+x, func() bool {
		out, _ := exec.Command("ip", "netns", "pids", x).Output()
		return strings.TrimSpace(string(out)) == ""
	})
}

// TestStatusJSON: status --json describes namespace, links and members.
func TestStatusJSON(t *testing.T) {
	h := newHost(t, "dmz")
	h.mustVX("web", "setup")
	h.mustVX("web", "start")
	defer h.vx("web", "stop")
	r := h.mustVX("web", "status", "--json")
	var st struct {
		Namespace  string `json:"namespace"`
		Exists     bool   `json:"namespace_exists"`
		Running    bool   `json:"running"`
		Interfaces []struct {
			Name  string   `json:"name"`
			MAC   string   `json:"mac"`
			Addrs []string `json:"addresses"`
		} `json:"interfaces"`
		Members []struct {
			Name    string `json:"name"`
			Running bool   `json:"running"`
		} `json:"members"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, r.stdout)
	}
	if st.Namespace != "dmz" || !st.Exists || !st.Running || len(st.Members) != 2 {
		t.Fatalf("status --json: %+v", st)
	}
	found := false
	for _, l := range st.Interfaces {
		if l.Name == "eth0" && l.MAC == "02:00:00:00:07:00" && slices.Contains(l.Addrs, "192.0.2.10/24") {
			found = true
		}
	}
	if !found {
		t.Errorf("status --json lacks eth0 with its MAC and address: %s", r.stdout)
	}
	if r := h.vx("mail", "status"); r.code != 3 || !strings.Contains(r.stdout, "web (running)") {
		t.Errorf("status of the stopped member: want exit 3 listing web running: %s", r)
	}
}

// TestStopDespiteBrokenConfig: a configuration broken while the guest runs
// does not keep it from stopping, nor its namespace from going.
func TestStopDespiteBrokenConfig(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	h.mustVX("fw", "start")
	h.write(".netns/fw/interfaces/0/mtu", "9\n")
	r := h.mustVX("fw", "stop")
	if !strings.Contains(r.stderr, "has problems (stopping anyway)") || !strings.Contains(r.stderr, "interfaces/0/mtu") {
		t.Errorf("stop should warn about the broken file: %s", r)
	}
	if h.vserver("fw", "running").code == 0 {
		t.Fatal("fw still runs")
	}
	os.Remove(filepath.Join(h.confdir, ".netns/fw/interfaces/0/mtu"))
	nstest.AssertSame(t, before)
}

// TestStaleNamespaceFileReplaced: a plain file left at /run/netns/fw by a
// crash is reported and replaced; the guest starts and stops cleanly.
func TestStaleNamespaceFileReplaced(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	before := nstest.Snapshot(t)
	stale := filepath.Join(nstest.NetnsDir, "fw")
	if err := os.WriteFile(stale, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	r := h.mustVX("fw", "start")
	if !strings.Contains(r.stderr, "replaced a stale file") || !strings.Contains(r.stderr, stale) {
		t.Errorf("start should report the stale file it replaced: %s", r)
	}
	if got, want := h.guestNetns("fw"), h.netnsID("fw"); got != want {
		t.Fatalf("guest runs in %q, namespace fw is %q", got, want)
	}
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
}

// TestBootSurvivesBrokenDepends: check-all reports an unknown dependency
// and a cycle in the words start-all uses; start-all then starts every
// other guest and skips only the broken one, and stop-all stops every
// running guest, the cycle's too.
func TestBootSurvivesBrokenDepends(t *testing.T) {
	h := newBootHost(t)
	before := nstest.Snapshot(t)
	h.write("mail/apps/init/depends", "ghost\n")
	unknown := filepath.Join(h.confdir, "mail/apps/init/depends") + `: unknown guest "ghost" (no directory ` + filepath.Join(h.confdir, "ghost") + ")"
	r := h.vx("check-all")
	if r.code != 1 || !strings.Contains(r.stdout, unknown+"; start-all skips mail") {
		t.Errorf("check-all with an unknown dependency: want exit 1 naming it: %s", r)
	}
	r = h.vx("start-all", "--mark", "default")
	if r.code != 6 || !strings.Contains(r.stdout, "mail skipped: "+unknown) {
		t.Errorf("start-all: want exit 6 and mail skipped with %q: %s", unknown, r)
	}
	for g, want := range map[string]int{"fw": 0, "web": 0, "mail": 1} {
		if got := h.vserver(g, "running").code; (got == 0) != (want == 0) {
			t.Errorf("after start-all, vserver %s running exits %d, want %d", g, got, want)
		}
	}
	h.mustVX("stop-all", "--mark", "default")

	h.write("mail/apps/init/depends", "")
	h.write("fw/apps/init/depends", "web\n")
	r = h.vx("check-all")
	if r.code != 1 || !strings.Contains(r.stdout, "dependency cycle fw -> web -> fw") {
		t.Errorf("check-all with a cycle: want exit 1 naming it: %s", r)
	}
	h.mustVX("fw", "start")
	h.mustVX("web", "start")
	r = h.vx("stop-all", "--mark", "default")
	if r.code != 0 || !strings.Contains(r.stdout, "warning: dependency cycle fw -> web -> fw") {
		t.Errorf("stop-all with a cycle: want exit 0 and a warning: %s", r)
	}
	for _, g := range []string{"fw", "web"} {
		if h.vserver(g, "running").code == 0 {
			t.Errorf("stop-all with a cycle left %s running", g)
		}
	}
	nstest.AssertSame(t, before)
}
