// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

// cliDir is where the command-line table's confdirs live.
var cliDir = filepath.Join(workDir, "cli")

// runCLI measures and prints the command-line table, then the concurrent
// member stops.
func runCLI(o options, w io.Writer) error {
	printCLIHeader(w)
	parts := []func(options, io.Writer) error{cliStartStop, cliRuleset, cliReady, cliPlan, cliMemberStops, cliList, cliTeardownK}
	switch {
	case o.rulesetOnly:
		parts = parts[1:2]
	case o.readyOnly:
		parts = parts[2:3]
	case o.startStopOnly:
		parts = parts[:1]
	}
	for _, part := range parts {
		if err := part(o, w); err != nil {
			return err
		}
		if err := checkClean(netnsDir); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	return nil
}

// startStopVariants are the namespaces of the start/stop rows.
var startStopVariants = []variant{{1, config.TypeMacvlan}, {4, config.TypeMacvlan}}

// cliStartStop: `vserverx ns0 start` and `stop` with the no-op vserver
// against the ip scriptlet doing the same network setup and teardown.
func cliStartStop(o options, w io.Writer) error {
	noop := filepath.Join(cliDir, "noop-vserver")
	if err := writeNoopVserver(noop); err != nil {
		return err
	}
	for _, v := range startStopVariants {
		if err := startStopRows(o, w, v, noop); err != nil {
			return fmt.Errorf("start/stop, %s: %w", v, err)
		}
	}
	return nil
}

// startStopRows measures and prints the start, stop and start+stop rows
// of variant v.
func startStopRows(o options, w io.Writer, v variant, noop string) error {
	dir := filepath.Join(cliDir, fmt.Sprintf("startstop-%d%s", v.K, v.Type))
	s, scr, err := newStartStopSetting(o, dir, v, noop)
	if err != nil {
		return err
	}
	var ups, downs, ipUps, ipDowns []sample
	settle := settleTime(1)
	cs := []contest{
		{"vserverx", func() (sample, error) {
			up, down, err := s.startStop(nsName(0))
			ups, downs = append(ups, up), append(downs, down)
			time.Sleep(settle)
			return sample{d: up.d + down.d, runs: up.runs + down.runs}, err
		}},
		{"scriptlet", func() (sample, error) {
			up, down, err := scriptletSamples(scr)
			ipUps, ipDowns = append(ipUps, up), append(ipDowns, down)
			time.Sleep(settle)
			return sample{d: up.d + down.d, runs: noRuns}, err
		}},
	}
	all, err := contestSamples(cs, o.cliReps)
	if err != nil {
		return err
	}
	printCLIRow(w, newCLIRow(fmt.Sprintf("vserverx G start, %s", v), "ip scriptlet setup", 0, ups, ipUps))
	printCLIRow(w, newCLIRow(fmt.Sprintf("vserverx G stop, %s", v), "ip scriptlet teardown", 0, downs, ipDowns))
	printCLIRow(w, newCLIRow(fmt.Sprintf("vserverx G start + stop, %s", v), "ip scriptlet setup + teardown", 0, all["vserverx"], all["scriptlet"]))
	return nil
}

// newStartStopSetting writes the confdir of guest ns0 (variant v, no
// vprocunhide: util-vserver's program, not vserverx's cost), sets ns0 up
// and prepares the ip scriptlet for the same namespace.
func newStartStopSetting(o options, dir string, v variant, noop string) (*cliSetting, *scriptlet, error) {
	conf := filepath.Join(dir, "conf")
	if err := benchConfdir(conf, v, 1); err != nil {
		return nil, nil, err
	}
	if err := writeFiles(conf, map[string]string{".netns/" + nsName(0) + "/novprocunhide": ""}); err != nil {
		return nil, nil, err
	}
	s, err := newCLISetting(o, dir, noop)
	if err != nil {
		return nil, nil, err
	}
	if err := s.runAll(s.vx(nsName(0), "setup")); err != nil {
		return nil, nil, err
	}
	tree, err := loadTree(config.Paths{ConfDir: conf, NetnsDir: netnsDir, StateDir: stateDir})
	if err != nil {
		return nil, nil, err
	}
	scr, err := newScriptlet(o.repo, tree, 1)
	return s, scr, err
}

// startStop times `vserverx NAME start` and then `stop`, and checks that
// the sandbox is clean again.
func (s *cliSetting) startStop(name string) (up, down sample, err error) {
	if up, err = s.timed(s.vx(name, "start")); err != nil {
		return up, down, err
	}
	if down, err = s.timed(s.vx(name, "stop")); err != nil {
		return up, down, err
	}
	return up, down, checkClean(netnsDir)
}

// scriptletSamples times the scriptlet's setup and teardown.
func scriptletSamples(scr *scriptlet) (up, down sample, err error) {
	t0 := time.Now()
	if err := scr.setup(); err != nil {
		return up, down, err
	}
	up = sample{d: time.Since(t0), runs: noRuns}
	t0 = time.Now()
	if err := scr.teardown(); err != nil {
		return up, down, err
	}
	down = sample{d: time.Since(t0), runs: noRuns}
	return up, down, checkClean(netnsDir)
}

// cliPlan: `vserverx vs0000 plan` with each number of guests in the
// confdir, against the smallest; the goal is judged at the largest.
func cliPlan(o options, w io.Writer) error {
	var cs []contest
	for _, n := range o.planGuests {
		s, err := newPlanSetting(o, n)
		if err != nil {
			return fmt.Errorf("plan, %d guests: %w", n, err)
		}
		cs = append(cs, contest{strconv.Itoa(n), func() (sample, error) { return s.timed(s.vx(planGuest, "plan")) }})
	}
	all, err := contestSamples(cs, 4*o.cliReps) // a plan takes milliseconds
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	first, last := o.planGuests[0], o.planGuests[len(o.planGuests)-1]
	for _, n := range o.planGuests[1:] {
		goal := 0.0
		if n == last {
			goal = goalPlanScale
		}
		printCLIRow(w, newCLIRow(fmt.Sprintf("vserverx G plan, %d guests in the confdir", n),
			fmt.Sprintf("the same, %d guests", first), goal, all[strconv.Itoa(n)], all[strconv.Itoa(first)]))
	}
	return nil
}

// newPlanSetting writes the plan confdir of n guests and sets up the
// guest whose plan is timed (a plan of a guest not set up is a refusal).
func newPlanSetting(o options, n int) (*cliSetting, error) {
	dir := filepath.Join(cliDir, fmt.Sprintf("plan-%d", n))
	if err := planConfdir(filepath.Join(dir, "conf"), n); err != nil {
		return nil, err
	}
	s, err := newCLISetting(o, dir, filepath.Join(o.repo, "testdata/util-vserver/vserver"))
	if err != nil {
		return nil, err
	}
	if err := s.runAll(s.vx(planGuest, "setup"), s.vx(planGuest, "plan")); err != nil { // the second warms the cache
		return nil, err
	}
	return s, nil
}

// cliMemberStops: stop of member m00 while the rest of its group runs,
// for each group size, against a plain `vserver plain stop`; then every
// member of the largest group stopped at once.
func cliMemberStops(o options, w io.Writer) error {
	maxSize := o.groupSizes[len(o.groupSizes)-1]
	s, err := newMemberSetting(o, maxSize)
	if err != nil {
		return err
	}
	defer s.runAll(s.plain(plainGuest, "stop"))
	running := 0
	for _, size := range o.groupSizes {
		if err := s.startMembers(running, size); err != nil {
			return err
		}
		running = size
		r, err := s.memberStopRow(o.cliReps, size)
		if err != nil {
			return fmt.Errorf("member stop, group of %d: %w", size, err)
		}
		printCLIRow(w, r)
	}
	c, err := s.concurrentStops(maxSize)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	printConcurrentStops(w, c)
	fmt.Fprintln(w)
	return nil
}

// newMemberSetting writes the member-stop confdir with n members, sets
// them up and starts the guest plain.
func newMemberSetting(o options, n int) (*cliSetting, error) {
	dir := filepath.Join(cliDir, "members")
	if err := memberConfdir(filepath.Join(dir, "conf"), n); err != nil {
		return nil, err
	}
	s, err := newCLISetting(o, dir, filepath.Join(o.repo, "testdata/util-vserver/vserver"))
	if err != nil {
		return nil, err
	}
	for i := range n {
		if err := s.runAll(s.vx(memberName(i), "setup")); err != nil {
			return nil, err
		}
	}
	return s, s.runAll(s.plain(plainGuest, "start"))
}

// startMembers starts members from..to-1 with vserverx and waits until
// they are older than stop's grace period for util-vserver's helpers, as
// the members of a group that has been running for a while are.
func (s *cliSetting) startMembers(from, to int) error {
	for i := from; i < to; i++ {
		if err := s.runAll(s.vx(memberName(i), "start")); err != nil {
			return err
		}
	}
	time.Sleep(lifecycle.DefaultGrace + 200*time.Millisecond)
	return nil
}

// memberStopRow times `vserverx m00 stop` (the others of the group of
// size run) against `vserver plain stop`, each guest started again
// untimed after its stop.
func (s *cliSetting) memberStopRow(reps, size int) (cliRow, error) {
	m := memberName(0)
	cs := []contest{
		{"member", func() (sample, error) { return s.timedThen(s.vx(m, "stop"), s.vx(m, "start")) }},
		{"plain", func() (sample, error) { return s.timedThen(s.plain(plainGuest, "stop"), s.plain(plainGuest, "start")) }},
	}
	all, err := contestSamples(cs, reps)
	if err != nil {
		return cliRow{}, err
	}
	goal := 0.0
	if size == goalGroupSize {
		goal = goalMemberStop
	}
	return newCLIRow(fmt.Sprintf("vserverx M stop, %d of a group of %d run", size-1, size),
		"vserver P stop (outside any group)", goal, all["member"], all["plain"]), nil
}

// timedThen times argv, then runs after untimed.
func (s *cliSetting) timedThen(argv, after []string) (sample, error) {
	t, err := s.timed(argv)
	if err != nil {
		return t, err
	}
	_, err = s.run(after)
	return t, err
}

// lockWaitMsg is what vserverx says when it has to wait for a namespace's
// lock.
const lockWaitMsg = "vserverx: waiting for namespace"

// stopResult is one of the concurrent stops.
type stopResult struct {
	member   string
	err      error
	out      string
	took     time.Duration
	lockWait time.Duration // from vserverx saying it waits for the lock to its exit; 0 when it did not wait
}

// concurrentStops stops members m00..m(n-1), all running, at once.
func (s *cliSetting) concurrentStops(n int) (concurrentStops, error) {
	c := concurrentStops{members: n}
	if err := os.WriteFile(s.runlog, nil, 0o644); err != nil {
		return c, err
	}
	results := make([]stopResult, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.stopWatched(memberName(i))
		}()
	}
	wg.Wait()
	c.wall = time.Since(t0)
	var err error
	if c.runs, err = countRuns(s.runlog); err != nil {
		return c, err
	}
	for _, r := range results {
		c.add(r)
	}
	return c, nil
}

// add counts one stop's result.
func (c *concurrentStops) add(r stopResult) {
	if r.err != nil {
		c.failed = append(c.failed, fmt.Sprintf("%s: %v: %s", r.member, r.err, strings.TrimSpace(r.out)))
	}
	if strings.Contains(r.out, "removed network namespace "+memberGroup) {
		c.removed++
	}
	if r.lockWait > 0 {
		c.waited++
	}
	c.longest = max(c.longest, r.took)
	c.lockWait = max(c.lockWait, r.lockWait)
}

// stopWatched runs `vserverx NAME stop`, noting when it says it waits for
// the lock.
func (s *cliSetting) stopWatched(name string) stopResult {
	argv := s.vx(name, "stop")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = s.env
	out := &watchWriter{match: []byte(lockWaitMsg)}
	cmd.Stdout, cmd.Stderr = out, out
	t0 := time.Now()
	err := cmd.Run()
	r := stopResult{member: name, err: err, took: time.Since(t0)}
	r.out, r.lockWait = out.result(time.Now())
	return r
}

// watchWriter collects output and the time it first saw match in it.
type watchWriter struct {
	match []byte
	mu    sync.Mutex
	buf   bytes.Buffer
	seen  time.Time
}

func (ww *watchWriter) Write(p []byte) (int, error) {
	ww.mu.Lock()
	defer ww.mu.Unlock()
	ww.buf.Write(p)
	if ww.seen.IsZero() && bytes.Contains(ww.buf.Bytes(), ww.match) {
		ww.seen = time.Now()
	}
	return len(p), nil
}

// result returns the output and the time from the match to end (0 when
// it never came).
func (ww *watchWriter) result(end time.Time) (string, time.Duration) {
	ww.mu.Lock()
	defer ww.mu.Unlock()
	if ww.seen.IsZero() {
		return ww.buf.String(), 0
	}
	return ww.buf.String(), end.Sub(ww.seen)
}

// cliList: `vserverx list` over the list confdir with a few guests running
// against one `vserver NAME status` of a running guest.
func cliList(o options, w io.Writer) error {
	dir := filepath.Join(cliDir, "list")
	if err := listConfdir(filepath.Join(dir, "conf"), o.listGuests); err != nil {
		return err
	}
	s, err := newCLISetting(o, dir, filepath.Join(o.repo, "testdata/util-vserver/vserver"))
	if err != nil {
		return err
	}
	running := listRunning(o.listGuests)
	for _, g := range running {
		if err := s.runAll(s.vx(g, "setup"), s.vx(g, "start")); err != nil {
			return err
		}
		defer s.runAll(s.vx(g, "stop"))
	}
	cs := []contest{
		{"list", func() (sample, error) { return s.timed(s.vx("list")) }},
		{"status", func() (sample, error) { return s.timed(s.plain(running[0], "status")) }},
	}
	all, err := contestSamples(cs, o.cliReps)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	printCLIRow(w, newCLIRow(fmt.Sprintf("vserverx list, %d guests, %d running", o.listGuests, len(running)),
		"vserver NAME status (running)", goalList, all["list"], all["status"]))
	return nil
}

// teardownKN is the number of namespaces of the teardown rows.
const teardownKN = 10

// cliTeardownK: the engine's teardown of 10 namespaces with 4 interfaces
// each against 1, for macvlan and veth.
func cliTeardownK(o options, w io.Writer) error {
	for _, t := range []config.LinkType{config.TypeMacvlan, config.TypeVeth} {
		r, err := teardownKRow(o, t)
		if err != nil {
			return fmt.Errorf("engine teardown, %s: %w", t, err)
		}
		printCLIRow(w, r)
	}
	return nil
}

// teardownKRow measures the engine (setup untimed here) with K=1 and K=4
// interfaces of type t and compares the teardowns.
func teardownKRow(o options, t config.LinkType) (cliRow, error) {
	var cs []contender
	for _, k := range []int{1, 4} {
		v := variant{k, t}
		p := config.Paths{ConfDir: filepath.Join(cliDir, fmt.Sprintf("teardown-%d%s", k, t)), NetnsDir: netnsDir, StateDir: stateDir}
		if err := benchConfdir(p.ConfDir, v, teardownKN); err != nil {
			return cliRow{}, err
		}
		eng, err := newEngine(p, filepath.Join(o.repo, "testdata/util-vserver/vserver"), teardownKN)
		if err != nil {
			return cliRow{}, err
		}
		cs = append(cs, contender{name: v.String(), setup: eng.setup, teardown: eng.teardown})
	}
	m, err := measureRow(cs, o.cliReps, netnsDir, settleTime(teardownKN))
	if err != nil {
		return cliRow{}, err
	}
	downs := func(name string) []sample {
		var ss []sample
		for _, tm := range m.times[name] {
			ss = append(ss, sample{d: tm.down, runs: noRuns})
		}
		return ss
	}
	return newCLIRow(fmt.Sprintf("engine teardown, %d namespaces, K=4 %s", teardownKN, t),
		"the same, K=1", goalTeardownK, downs(cs[1].name), downs(cs[0].name)), nil
}
