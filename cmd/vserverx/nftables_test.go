// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// The firewall example (testdata/confdirs/firewall): guest fw routes
// between VLAN 2 and VLAN 3 with forwarding on and a default-drop forward
// chain. The sandbox kernel has no 8021q, so the tests make the two
// interfaces veths whose host sides sit in bridges br2 and br3, each with a
// zone namespace (zone2: 192.0.2.10, zone3: 198.51.100.10) routing through
// fw. The ruleset and everything else are the example's.

// recordFile is where vserverx keeps the digest of fw's loaded ruleset
// (the sandbox's own /run).
const recordFile = "/run/vserverx/fw.nftables"

// requireNft skips when nftables' nft or ping is not installed (make
// test-deps installs both).
func requireNft(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/nft"); err != nil {
		t.Skip("needs nftables' /usr/sbin/nft (apt-get install nftables; make test-deps does)")
	}
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("needs ping (apt-get install iputils-ping; make test-deps does)")
	}
}

// firewallHost is the firewall example on veths and bridges with its two
// zones, set up; without ruleset the nftables file is removed.
func firewallHost(t *testing.T, ruleset bool) *host {
	t.Helper()
	requireNft(t)
	h := newHost(t, "firewall")
	for n, zone := range map[string]string{"0": "2", "1": "3"} {
		dir := filepath.Join(h.confdir, ".netns/fw/interfaces", n)
		for _, key := range []string{"link", "vlan"} {
			if err := os.Remove(filepath.Join(dir, key)); err != nil {
				t.Fatal(err)
			}
		}
		h.write(".netns/fw/interfaces/"+n+"/type", "veth\n")
		h.write(".netns/fw/interfaces/"+n+"/bridge", "br"+zone+"\n")
	}
	if !ruleset {
		if err := os.Remove(filepath.Join(h.confdir, ".netns/fw/nftables")); err != nil {
			t.Fatal(err)
		}
	}
	addZone(t, "2", "192.0.2.10/24", "192.0.2.1")
	addZone(t, "3", "198.51.100.10/24", "198.51.100.1")
	countArrivals(t)
	h.mustVX("fw", "setup")
	return h
}

// addZone makes bridge brN and namespace zoneN, linked by a veth, with
// address addr and a default route via gw (fw's address in that zone).
func addZone(t *testing.T, n, addr, gw string) {
	t.Helper()
	br, zone := "br"+n, "zone"+n
	for _, args := range [][]string{
		{"link", "add", br, "type", "bridge"},
		{"link", "set", br, "up"},
		{"netns", "add", zone},
		{"link", "add", "z" + n, "type", "veth", "peer", "name", "z" + n + "p"},
		{"link", "set", "z" + n + "p", "master", br, "up"},
		{"link", "set", "z" + n, "netns", zone},
		{"-n", zone, "link", "set", "lo", "up"},
		{"-n", zone, "link", "set", "z" + n, "up"},
		{"-n", zone, "addr", "add", addr, "dev", "z" + n},
		{"-n", zone, "route", "add", "default", "via", gw},
	} {
		nstest.IP(t, args...)
	}
	// Ask for fw's MAC every 50 ms (not every second) while it has none yet.
	if out, err := exec.Command("ip", "netns", "exec", zone, "sysctl", "-q", "-w", "net.ipv4.neigh.z"+n+".retrans_time_ms=50").CombinedOutput(); err != nil {
		t.Fatalf("sysctl in %s: %v: %s", zone, err, out)
	}
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", zone).Run()
		_ = exec.Command("ip", "link", "del", br).Run()
	})
}

// countArrivals gives zone3 an nft counter of the pings from zone2 that
// reach it: the witness on the far side of fw.
func countArrivals(t *testing.T) {
	t.Helper()
	nftIn(t, "zone3", "-f", "-", "table inet witness {\n chain in {\n  type filter hook input priority 0;\n  ip saddr 192.0.2.10 icmp type echo-request counter\n }\n}\n")
}

// arrivals is how many pings from zone2 reached zone3.
func arrivals(t *testing.T) int {
	t.Helper()
	return counterPackets(t, nftIn(t, "zone3", "list", "chain", "inet", "witness", "in"))
}

// counterPackets is the packet count of the first counter in an nft listing.
func counterPackets(t *testing.T, listing string) int {
	t.Helper()
	m := regexp.MustCompile(`counter packets (\d+)`).FindStringSubmatch(listing)
	if m == nil {
		t.Fatalf("no counter in:\n%s", listing)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// nftIn runs nft with args inside named namespace x (the independent
// witness: ip netns exec), stdin as given, and returns its output.
func nftIn(t *testing.T, x string, args ...string) string {
	t.Helper()
	stdin := ""
	if len(args) > 0 && args[0] == "-f" {
		stdin, args = args[len(args)-1], args[:len(args)-1]
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", x, "nft"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns exec %s nft %s: %v\n%s", x, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// pingDuring pings zone3 from zone2 every 10 ms while f runs, and
// returns how many pings reached zone3.
func pingDuring(t *testing.T, f func()) int {
	t.Helper()
	before := arrivals(t)
	ping := exec.Command("ip", "netns", "exec", "zone2", "ping", "-q", "-n", "-i", "0.01", "-W", "1", "198.51.100.10")
	if err := ping.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ping.Process.Kill(); _ = ping.Wait() }()
	time.Sleep(100 * time.Millisecond) // pinging before the namespace exists
	f()
	_ = ping.Process.Kill()
	time.Sleep(100 * time.Millisecond) // the last pings in flight
	return arrivals(t) - before
}

// TestRulesetBeforeFirstPacket: zone2 pings zone3 through fw every 10 ms
// while fw starts, from before the namespace exists until the guest runs;
// vprocunhide, the last step before the guest, takes 1.5 s. With the
// example's ruleset no ping ever reaches zone3; without it, with
// everything else the same, pings do (so the test can fail).
func TestRulesetBeforeFirstPacket(t *testing.T) {
	for _, ruleset := range []bool{true, false} {
		t.Run("ruleset="+strconv.FormatBool(ruleset), func(t *testing.T) {
			h := firewallHost(t, ruleset)
			slow := filepath.Join(t.TempDir(), "vprocunhide")
			writeExecutable(t, slow, "#!/bin/sh\nexec sleep 1.5\n")
			h.setVar("_VPROCUNHIDE", slow)
			got := pingDuring(t, func() { h.mustVX("fw", "start") })
			if h.vserver("fw", "running").code != 0 {
				t.Fatal("guest fw does not run")
			}
			t.Logf("%d ping(s) reached zone3 during the start", got)
			switch {
			case ruleset && got != 0:
				t.Errorf("%d ping(s) crossed fw unfiltered during its start", got)
			case !ruleset && got == 0:
				t.Error("without a ruleset no ping crossed fw: the test proves nothing")
			}
			h.mustVX("fw", "stop")
		})
	}
}

// TestRulesetPlanAndCheck: plan shows the ruleset step after lo and before
// the first interface; check validates the ruleset (nft -c in a throwaway
// namespace, which leaves the host as it was) and warns when forwarding
// runs unfiltered.
func TestRulesetPlanAndCheck(t *testing.T) {
	h := firewallHost(t, true)
	plan := h.mustVX("fw", "plan").stdout
	order := regexp.MustCompile(`(?s) 2\. create network namespace fw .*set lo up\n 3\. load the nftables ruleset ` +
		regexp.QuoteMeta(filepath.Join(h.confdir, ".netns/fw/nftables")) + ` inside fw \(/usr/sbin/nft -f\).* 4\. interface 0 .* 5\. interface 1 .* 6\. apply 1 sysctl`)
	if !order.MatchString(plan) {
		t.Errorf("plan does not load the ruleset between lo and the first interface:\n%s", plan)
	}
	before := nstest.Snapshot(t)
	if r := h.mustVX("fw", "check"); strings.Contains(r.stdout, "unfiltered") {
		t.Errorf("check warns about a namespace with a ruleset:\n%s", r)
	}
	nstest.AssertSame(t, before)
	if err := os.Remove(filepath.Join(h.confdir, ".netns/fw/nftables")); err != nil {
		t.Fatal(err)
	}
	r := h.mustVX("fw", "check")
	if !strings.Contains(r.stdout, "warning: "+filepath.Join(h.confdir, ".netns/fw/nftables")+": missing: namespace fw forwards between fw-vlan2, fw-vlan3 unfiltered") {
		t.Errorf("check does not warn about unfiltered forwarding:\n%s", r)
	}
	if strings.Contains(h.mustVX("fw", "plan").stdout, "nftables") {
		t.Error("plan of a namespace without a ruleset mentions nftables")
	}
}

// TestRulesetSyntaxError: a ruleset nft refuses makes check fail and start
// refuse with nft's own message (file, line, column), leaving nothing: no
// namespace, links, record or guest.
func TestRulesetSyntaxError(t *testing.T) {
	h := firewallHost(t, true)
	file := filepath.Join(h.confdir, ".netns/fw/nftables")
	rules, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	h.write(".netns/fw/nftables", strings.Replace(string(rules), "ct state invalid drop", "ct state invalid dorp", 1))
	want := regexp.QuoteMeta(file) + `:\d+:\d+-\d+: Error: syntax error`
	if r := h.vx("fw", "check"); r.code != 1 || !regexp.MustCompile(want).MatchString(r.stdout) || !strings.Contains(r.stdout, "nft -c -f refuses the ruleset") {
		t.Errorf("check of a broken ruleset: %s", r)
	}
	before := nstest.Snapshot(t)
	r := h.vx("fw", "start")
	if r.code != 1 || !regexp.MustCompile(want).MatchString(r.stderr) || !strings.Contains(r.stderr, "ct state invalid dorp") {
		t.Errorf("start with a broken ruleset: %s", r)
	}
	if !strings.Contains(r.stderr, "undone: create network namespace fw") {
		t.Errorf("start says nothing about the undo:\n%s", r.stderr)
	}
	if h.vserver("fw", "running").code == 0 {
		t.Error("the guest was started")
	}
	nstest.AssertSame(t, before)
	assertNoRecord(t)
}

// assertNoRecord fails when the record of fw's ruleset is left.
func assertNoRecord(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(recordFile); err == nil {
		t.Errorf("%s is left behind", recordFile)
	}
}

// TestNftMissing: a missing nft refuses start and check of a guest with a
// ruleset before anything changes, naming the option; a guest without one
// does not need nft.
func TestNftMissing(t *testing.T) {
	h := firewallHost(t, true)
	h.mustVX("--nft", "/nonexistent/nft", "fw", "setup") // the scriptlets pass --nft on
	before := nstest.Snapshot(t)
	r := h.vx("--nft", "/nonexistent/nft", "fw", "start")
	if r.code != 1 || !strings.Contains(r.stderr, "namespace fw has a ruleset "+filepath.Join(h.confdir, ".netns/fw/nftables")+": nftables' nft command not found") {
		t.Errorf("start without nft: %s", r)
	}
	nstest.AssertSame(t, before)
	if r := h.vx("--nft", "/nonexistent/nft", "fw", "check"); r.code != 1 || !strings.Contains(r.stdout, "cannot be loaded: nftables' nft command not found") {
		t.Errorf("check without nft: %s", r)
	}
	if err := os.Remove(filepath.Join(h.confdir, ".netns/fw/nftables")); err != nil {
		t.Fatal(err)
	}
	h.mustVX("--nft", "/nonexistent/nft", "fw", "start")
	h.mustVX("--nft", "/nonexistent/nft", "fw", "stop")
	nstest.AssertSame(t, before)
}

// statusJSON is the ruleset part of `status --json`.
type statusJSON struct {
	Drift   []string `json:"drift"`
	Ruleset *struct {
		File    string `json:"file"`
		Matches bool   `json:"matches"`
		Why     string `json:"why"`
	} `json:"ruleset"`
}

func (h *host) rulesetStatus(guest string) statusJSON {
	h.t.Helper()
	r := h.vx(guest, "status", "--json")
	var st statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.Ruleset == nil {
		h.t.Fatalf("status --json: %v (ruleset %v): %s", err, st.Ruleset, r)
	}
	return st
}

// TestRulesetDriftAndApply: a rule added by hand inside fw shows as drift
// in status (and --json) and check; apply --dry-run shows the step and
// changes nothing; apply replaces the whole ruleset, so the hand-made rule
// is gone and no rule is doubled; an edited file is applied the same way
// (its new rule lets pings through), and then there is nothing to do.
func TestRulesetDriftAndApply(t *testing.T) {
	h := firewallHost(t, true)
	h.mustVX("fw", "start")
	if st := h.rulesetStatus("fw"); !st.Ruleset.Matches || len(st.Drift) != 0 {
		t.Fatalf("after start: %+v", st)
	}
	if r := h.mustVX("fw", "status"); !strings.Contains(r.stdout, "nftables ruleset: "+filepath.Join(h.confdir, ".netns/fw/nftables")+", loaded and unchanged") {
		t.Errorf("status:\n%s", r)
	}
	nftIn(t, "fw", "add", "rule", "inet", "filter", "forward", "ip", "saddr", "192.0.2.66", "accept")
	st := h.rulesetStatus("fw")
	if st.Ruleset.Matches || !strings.Contains(st.Ruleset.Why, "changed by hand") || len(st.Drift) != 1 {
		t.Errorf("after a hand-made rule: %+v", st)
	}
	if r := h.mustVX("fw", "check"); !strings.Contains(r.stdout, "warning: "+filepath.Join(h.confdir, ".netns/fw")+": namespace fw differs from its definition: replace the whole ruleset of fw") {
		t.Errorf("check does not warn about the drift:\n%s", r)
	}
	r := h.mustVX("fw", "apply", "--dry-run")
	if !strings.Contains(r.stdout, " 1. replace the whole ruleset of fw with "+filepath.Join(h.confdir, ".netns/fw/nftables")+" in one transaction") {
		t.Errorf("apply --dry-run:\n%s", r)
	}
	if !strings.Contains(nftIn(t, "fw", "list", "ruleset"), "192.0.2.66") {
		t.Error("apply --dry-run changed the ruleset")
	}
	if r := h.mustVX("fw", "apply"); !strings.Contains(r.stdout, "done 1. replace the whole ruleset of fw") {
		t.Errorf("apply:\n%s", r)
	}
	if live := nftIn(t, "fw", "list", "ruleset"); strings.Contains(live, "192.0.2.66") || strings.Count(live, "table inet filter") != 1 {
		t.Errorf("after apply:\n%s", live)
	}
	if got := pingDuring(t, func() {}); got != 0 {
		t.Fatalf("%d ping(s) crossed fw before the file allowed them", got)
	}
	rules, _ := os.ReadFile(filepath.Join(h.confdir, ".netns/fw/nftables"))
	h.write(".netns/fw/nftables", strings.Replace(string(rules), "ct state invalid drop\n", "ct state invalid drop\n\t\ticmp type echo-request accept\n", 1))
	if st := h.rulesetStatus("fw"); st.Ruleset.Matches || !strings.Contains(st.Ruleset.Why, "changed since it was loaded") {
		t.Errorf("after editing the file: %+v", st)
	}
	h.mustVX("fw", "apply")
	if live := nftIn(t, "fw", "list", "ruleset"); strings.Count(live, "icmp type echo-request accept") != 2 { // forward and input
		t.Errorf("the edited ruleset is not loaded exactly once:\n%s", live)
	}
	if got := pingDuring(t, func() {}); got == 0 {
		t.Error("the applied rule lets no ping through")
	}
	if r := h.mustVX("fw", "apply"); !strings.Contains(r.stdout, "matches its definition: nothing to do") {
		t.Errorf("second apply:\n%s", r)
	}
	h.mustVX("fw", "stop")
	assertNoRecord(t)
}

// TestRulesetKeptAcrossMemberRestart: a second member (log) restarting
// while fw runs leaves the ruleset in place: the forward chain's counter
// of dropped packets is not reset, and status still matches. Stopping
// both removes the namespace and the record.
func TestRulesetKeptAcrossMemberRestart(t *testing.T) {
	h := firewallHost(t, true)
	before := nstest.Snapshot(t)
	for rel, content := range map[string]string{"log/context": "43\n", "log/spaces/net": "fw\n", "log/namespace-cleanup-skip": "/run/netns/fw\n", "log/vdir/.keep": "", "log/fstab": ""} {
		h.write(rel, content)
	}
	h.mustVX("log", "setup")
	h.mustVX("fw", "start")
	h.mustVX("log", "start")
	pingDuring(t, func() {})
	dropped := forwardDrops(t)
	if dropped == 0 {
		t.Fatal("the forward chain counted no dropped ping")
	}
	h.mustVX("log", "restart")
	if now := forwardDrops(t); now < dropped {
		t.Errorf("the ruleset was reloaded by the restart of log: dropped counter %d, was %d", now, dropped)
	}
	if st := h.rulesetStatus("log"); !st.Ruleset.Matches {
		t.Errorf("after the restart: %+v", st)
	}
	h.mustVX("log", "stop")
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
	assertNoRecord(t)
}

// forwardDrops is the counter of fw's forward chain (what its policy drops).
func forwardDrops(t *testing.T) int {
	t.Helper()
	return counterPackets(t, nftIn(t, "fw", "list", "chain", "inet", "filter", "forward"))
}

// slowNft makes a stand-in for nft that, the first time it loads a
// ruleset, creates the file busy and sleeps 3 s before running the real
// nft; it returns its path and busy.
func slowNft(t *testing.T) (slow, busy string) {
	t.Helper()
	dir := t.TempDir()
	busy, slow = filepath.Join(dir, "busy"), filepath.Join(dir, "nft")
	writeExecutable(t, slow, "#!/bin/sh\nif [ \"$1\" = -f ] && [ ! -e "+busy+" ]; then : >"+busy+"; sleep 3; fi\nexec /usr/sbin/nft \"$@\"\n")
	return slow, busy
}

// TestSignalWhileRulesetLoads: SIGTERM while nft loads the ruleset stops
// the start, undoes it and leaves nothing; SIGKILL leaves the namespace to
// the next stop, which leaves nothing either (no record).
func TestSignalWhileRulesetLoads(t *testing.T) {
	h := firewallHost(t, true)
	before := nstest.Snapshot(t)
	slow, busy := slowNft(t)
	h.mustVX("--nft", slow, "fw", "setup") // the scriptlets pass --nft on
	stderr := termStartWhenArgs(t, h, "nft to load the ruleset", busy, "--nft", slow)
	for _, want := range []string{"interrupted by SIGTERM while " + slow + " ran in namespace fw", "undone: create network namespace fw"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	nstest.AssertSame(t, before)
	assertNoRecord(t)

	_ = os.Remove(busy)
	cmd := exec.Command(h.bin, "--confdir", h.confdir, "--util-vserver-vars", h.vars, "--nft", slow, "fw", "start")
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "nft to load the ruleset", func() bool { _, err := os.Stat(busy); return err == nil })
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	waitNoProcesses(t, "fw")
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
	assertNoRecord(t)
}

// termStartWhenArgs is termStartWhen with global options before the guest.
func termStartWhenArgs(t *testing.T, h *host, what, marker string, global ...string) string {
	t.Helper()
	_, stderr := termWhen(t, h, what, marker, append(global, "fw", "start")...)
	return stderr
}

// TestFaultInjectionStartRuleset: start of the firewall is killed or
// interrupted right after each step of its plan, the ruleset's included;
// the next start and stop leave the host as it was.
func TestFaultInjectionStartRuleset(t *testing.T) {
	h := firewallHost(t, true)
	faultEveryStartStep(t, h, "fw", "fw", planSteps(t, h, "fw", 7))
	assertNoRecord(t)
}

// TestAdoptNftScriptlet: a scriptlet line `ip netns exec fw nft -f FILE`
// becomes fw's ruleset (FILE copied to .netns/fw/nftables, the scriptlet
// moved aside); start loads it inside fw before the link is UP, status
// says it matches, and stop leaves the host as before.
func TestAdoptNftScriptlet(t *testing.T) {
	requireNft(t)
	rules := filepath.Join(t.TempDir(), "fw.nft")
	ruleset := "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n"
	if err := os.WriteFile(rules, []byte(ruleset), 0o644); err != nil {
		t.Fatal(err)
	}
	c := adoptCase{guest: "fw", files: map[string]string{
		"fw/scripts/pre-start": "#!/bin/sh\nip netns add fw\nip netns exec fw nft -f " + rules + "\n" +
			"ip link add link eth0 name fw-lan type macvlan mode bridge\nip link set fw-lan netns fw\nip -n fw addr add 192.0.2.2/24 dev fw-lan\n",
	}}
	h := c.setUp(t)
	if dry := h.mustVX("fw", "adopt", "--dry-run"); !strings.Contains(dry.stdout, filepath.Join(h.confdir, ".netns/fw/nftables")) {
		t.Errorf("dry run does not name the ruleset file:\n%s", dry)
	}
	h.mustVX("fw", "adopt")
	if got, err := os.ReadFile(filepath.Join(h.confdir, ".netns/fw/nftables")); err != nil || string(got) != ruleset {
		t.Fatalf(".netns/fw/nftables = %q, %v; want the file's content", got, err)
	}
	if _, err := os.Stat(filepath.Join(h.confdir, "fw/scripts/pre-start")); err == nil {
		t.Error("the scriptlet was not moved aside")
	}
	before := nstest.Snapshot(t)
	h.mustVX("fw", "start")
	if live := nftIn(t, "fw", "list", "ruleset"); !strings.Contains(live, "policy drop") {
		t.Errorf("the adopted ruleset is not loaded:\n%s", live)
	}
	if st := h.rulesetStatus("fw"); !st.Ruleset.Matches {
		t.Errorf("status: %+v", st)
	}
	h.mustVX("fw", "stop")
	nstest.AssertSame(t, before)
	assertNoRecord(t)
}

// TestAdoptRefusesIptablesRestore: iptables-restore inside the namespace
// is refused with file, line and the hint to translate the rules; nothing
// changes.
func TestAdoptRefusesIptablesRestore(t *testing.T) {
	c := adoptCase{guest: "fw", files: map[string]string{
		"fw/scripts/pre-start": "ip netns add fw\nip netns exec fw iptables-restore /etc/iptables/rules.v4\n",
	}}
	h := c.setUp(t)
	original := treeDigest(t, h.confdir)
	r := h.vx("fw", "adopt")
	want := filepath.Join(h.confdir, "fw/scripts/pre-start") + ":2: cannot adopt"
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "iptables-restore-translate") {
		t.Errorf("want exit 1 with %q and the translate hint: %s", want, r)
	}
	assertSameTree(t, "adopting iptables-restore", original, treeDigest(t, h.confdir))
}

// TestApplyBrokenRuleset: apply of a ruleset nft refuses fails with nft's
// message and changes nothing: the namespace keeps the ruleset it had and
// the guest keeps running.
func TestApplyBrokenRuleset(t *testing.T) {
	h := firewallHost(t, true)
	h.mustVX("fw", "start")
	was := nftIn(t, "fw", "--stateless", "list", "ruleset")
	file := filepath.Join(h.confdir, ".netns/fw/nftables")
	rules, _ := os.ReadFile(file)
	h.write(".netns/fw/nftables", strings.Replace(string(rules), "ct state invalid drop", "ct state invalid dorp", 1))
	r := h.vx("fw", "apply")
	if r.code != 1 || !regexp.MustCompile(regexp.QuoteMeta(file)+`:\d+:\d+-\d+: Error: syntax error`).MatchString(r.stderr) ||
		!strings.Contains(r.stderr, "the guests kept running") {
		t.Errorf("apply of a broken ruleset: %s", r)
	}
	if now := nftIn(t, "fw", "--stateless", "list", "ruleset"); now != was {
		t.Errorf("the failed apply changed the ruleset:\nwas\n%s\nnow\n%s", was, now)
	}
	if h.vserver("fw", "running").code != 0 {
		t.Error("the guest stopped")
	}
	h.mustVX("fw", "stop")
}

// TestRulesetPlainVserverStart: a plain `vserver fw start` (the scriptlets
// call vserverx) loads the ruleset too, and `vserver fw stop` removes the
// namespace and the record.
func TestRulesetPlainVserverStart(t *testing.T) {
	h := firewallHost(t, true)
	before := nstest.Snapshot(t)
	if r := h.vserver("fw", "start"); r.code != 0 {
		t.Fatalf("vserver fw start: %s", r)
	}
	if live := nftIn(t, "fw", "list", "ruleset"); !strings.Contains(live, `comment "dropped by the forward policy"`) {
		t.Errorf("plain vserver start did not load the ruleset:\n%s", live)
	}
	if st := h.rulesetStatus("fw"); !st.Ruleset.Matches {
		t.Errorf("status: %+v", st)
	}
	if r := h.vserver("fw", "stop"); r.code != 0 {
		t.Fatalf("vserver fw stop: %s", r)
	}
	nstest.AssertSame(t, before)
	assertNoRecord(t)
}
