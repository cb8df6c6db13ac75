// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
)

func msSamples(runs int, ds ...int) []sample {
	var ss []sample
	for _, d := range ds {
		ss = append(ss, sample{d: time.Duration(d) * time.Millisecond, runs: runs})
	}
	return ss
}

func TestPrintCLIRow(t *testing.T) {
	r := newCLIRow("vserverx M stop, 11 of a group of 12 run", "vserver P stop (outside any group)", goalMemberStop,
		append(msSamples(3, 300, 100), sample{d: 200 * time.Millisecond, runs: 4}), msSamples(2, 200, 150, 250))
	var out strings.Builder
	printCLIRow(&out, r)
	want := "vserverx M stop, 11 of a group of 12 run        3 |     200.0    4 | vserver P stop (outside any group)       200.0    2 |   1.00  <= 1.2: ok\n"
	if out.String() != want {
		t.Fatalf("row:\n%q\nwant\n%q", out.String(), want)
	}
	out.Reset()
	printCLIRow(&out, newCLIRow("engine teardown", "the same, K=1", goalTeardownK, msSamples(noRuns, 140), msSamples(noRuns, 100)))
	if !strings.Contains(out.String(), "    - | the same, K=1") || !strings.HasSuffix(out.String(), "1.40  <= 1.3: MISSED\n") {
		t.Errorf("engine row: %q", out.String())
	}
	out.Reset()
	printCLIRow(&out, newCLIRow("start", "ip scriptlet setup", 0, msSamples(1, 30), msSamples(noRuns, 90)))
	if !strings.HasSuffix(out.String(), "0.33  \n") {
		t.Errorf("row without goal: %q", out.String())
	}
}

func TestSummary(t *testing.T) {
	d, runs := summary(msSamples(noRuns, 5, 1, 3))
	if d != 3*time.Millisecond || runs != noRuns {
		t.Errorf("got %v, %d runs", d, runs)
	}
	d, runs = summary(append(msSamples(1, 4, 2), msSamples(2, 8)...))
	if d != 4*time.Millisecond || runs != 2 {
		t.Errorf("got %v, %d runs; want 4ms and the most runs, 2", d, runs)
	}
}

func TestConcurrentStops(t *testing.T) {
	c := concurrentStops{members: 3, runs: 9}
	c.add(stopResult{member: "m00", out: "vserverx: keeping network namespace dmz", took: time.Second})
	c.add(stopResult{member: "m01", out: "removed network namespace dmz\n", took: 2 * time.Second, lockWait: 50 * time.Millisecond})
	c.add(stopResult{member: "m02", err: errors.New("exit status 1"), out: "vserverx: timed out waiting for the lock\n", took: 3 * time.Second})
	c.wall = 3 * time.Second
	var out strings.Builder
	printConcurrentStops(&out, c)
	for _, want := range []string{
		"3 concurrent member stops of one running group: 1 failed (goal 0: MISSED), 1 removed the namespace (want 1: ok)",
		"wall 3000 ms, slowest stop 3000 ms, 1 waited for the lock (longest wait 50 ms), 9 util-vserver runs in all",
		"failed: m02: exit status 1: vserverx: timed out waiting for the lock",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lacks %q:\n%s", want, out.String())
		}
	}
}

func TestContestSamples(t *testing.T) {
	var order []string
	cs := []contest{
		{"x", func() (sample, error) { order = append(order, "x"); return sample{d: 1, runs: 1}, nil }},
		{"y", func() (sample, error) { order = append(order, "y"); return sample{d: 2, runs: noRuns}, nil }},
	}
	all, err := contestSamples(cs, 3)
	if err != nil || len(all["x"]) != 3 || len(all["y"]) != 3 || strings.Join(order, "") != "xyyxxy" {
		t.Fatalf("got %v, %v, order %v", all, err, order)
	}
	boom := errors.New("boom")
	cs[1].do = func() (sample, error) { return sample{}, boom }
	if _, err := contestSamples(cs, 2); !errors.Is(err, boom) || err.Error() != "y, repetition 1: boom" {
		t.Errorf("got %v", err)
	}
}

func TestWatchWriter(t *testing.T) {
	ww := &watchWriter{match: []byte(lockWaitMsg)}
	ww.Write([]byte("vserverx: wait"))
	if _, wait := ww.result(time.Now()); wait != 0 {
		t.Errorf("a wait before the message was complete: %v", wait)
	}
	ww.Write([]byte("ing for namespace dmz: another vserverx holds /run/vserverx/dmz.lock\n"))
	out, wait := ww.result(time.Now().Add(time.Second))
	if wait < time.Second || !strings.HasPrefix(out, lockWaitMsg) {
		t.Errorf("got %q, %v", out, wait)
	}
}

// TestNoopVserver: the no-op vserver succeeds at once for any command and
// logs its run like the stand-in.
func TestNoopVserver(t *testing.T) {
	dir := t.TempDir()
	bin, log := filepath.Join(dir, "sub", "vserver"), filepath.Join(dir, "runlog")
	if err := writeNoopVserver(bin); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"g", "start"}, {"g", "stop", "--x"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "STANDIN_RUNLOG="+log)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}
	if n, err := countRuns(log); err != nil || n != 2 {
		t.Errorf("runs: %d, %v; want 2", n, err)
	}
	if _, err := countRuns(filepath.Join(dir, "none")); err == nil || !strings.Contains(err.Error(), "reading the util-vserver run log") {
		t.Errorf("missing run log: %v", err)
	}
}

// loadChecked loads confdir dir and fails on any configuration problem.
func loadChecked(t *testing.T, dir string) *config.Tree {
	t.Helper()
	tree, err := loadTree(config.Paths{ConfDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func memberNames(g *config.Group) []string {
	var out []string
	for _, m := range g.Members {
		out = append(out, m.Name)
	}
	return out
}

func TestCLIConfdirs(t *testing.T) {
	plan := filepath.Join(t.TempDir(), "plan")
	if err := planConfdir(plan, 25); err != nil {
		t.Fatal(err)
	}
	tree := loadChecked(t, plan)
	if g := tree.Group("p000"); g == nil || len(g.Members) != 10 || g.Members[0].Name != planGuest {
		t.Errorf("plan confdir: group p000 %+v", g)
	}
	if g := tree.Group("p002"); g == nil || !slices.Equal(memberNames(g), []string{"vs0020", "vs0021", "vs0022", "vs0023", "vs0024"}) {
		t.Errorf("plan confdir: group p002 %+v", g)
	}

	members := filepath.Join(t.TempDir(), "members")
	if err := memberConfdir(members, 3); err != nil {
		t.Fatal(err)
	}
	tree = loadChecked(t, members)
	if g := tree.Group(memberGroup); g == nil || !slices.Equal(memberNames(g), []string{"m00", "m01", "m02"}) {
		t.Errorf("member confdir: group %s %+v", memberGroup, g)
	}
	if m, err := tree.Guest(plainGuest); err != nil || tree.GroupOf(m) != nil {
		t.Errorf("member confdir: %s is in a group or missing: %v", plainGuest, err)
	}

	list := filepath.Join(t.TempDir(), "list")
	if err := listConfdir(list, 23); err != nil {
		t.Fatal(err)
	}
	tree = loadChecked(t, list)
	if g := tree.Group("lg2"); g == nil || !slices.Equal(memberNames(g), []string{"l20", "l21", "l22"}) {
		t.Errorf("list confdir: group lg2 %+v", g)
	}
	if got := listRunning(50); !slices.Equal(got, []string{"l00", "l10", "l20"}) {
		t.Errorf("listRunning(50) = %v", got)
	}
	if got := listRunning(4); !slices.Equal(got, []string{"l00"}) {
		t.Errorf("listRunning(4) = %v", got)
	}
}
