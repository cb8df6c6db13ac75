// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// runLog points the stand-in's STANDIN_RUNLOG at a fresh file and returns
// a function counting the util-vserver runs recorded since.
func (h *host) runLog() func() int {
	h.t.Helper()
	f := filepath.Join(h.t.TempDir(), "runs")
	h.env = append(h.env, "STANDIN_RUNLOG="+f)
	return func() int {
		b, _ := os.ReadFile(f)
		return strings.Count(string(b), "\n")
	}
}

// TestMemberRunningOutsideDoesNotKeepNamespace: a member started by plain
// vserver before vserverx managed it runs outside dmz; stopping the only
// member inside dmz removes dmz and names the outside one in a warning,
// which keeps running.
func TestMemberRunningOutsideDoesNotKeepNamespace(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	spacesNet := filepath.Join(h.confdir, "mail", "spaces", "net")
	if err := os.Remove(spacesNet); err != nil {
		t.Fatal(err)
	}
	if r := h.vserver("mail", "start"); r.code != 0 {
		t.Fatalf("plain vserver mail start (not managed yet): %s", r)
	}
	h.write("mail/spaces/net", "dmz\n")
	h.mustVX("web", "setup")
	h.mustVX("web", "start")
	r := h.mustVX("web", "stop")
	if !strings.Contains(r.stdout, "removed network namespace dmz") {
		t.Errorf("dmz kept for a member running outside it: %s", r)
	}
	if !strings.Contains(r.stderr, "mail") || !strings.Contains(r.stderr, "outside namespace dmz") {
		t.Errorf("no warning naming mail, running outside dmz: %s", r)
	}
	if slices.Contains(netnsList(t), "dmz") {
		t.Error("dmz still exists")
	}
	if h.vserver("mail", "running").code != 0 {
		t.Error("mail, running outside dmz, was stopped")
	}
	h.vserver("mail", "stop")
	nstest.AssertSame(t, before)
}

// addMembers adds n guests m01..mNN to group dmz (context 200+i) and sets
// them up.
func (h *host) addMembers(n int) []string {
	h.t.Helper()
	var names []string
	for i := 1; i <= n; i++ {
		g := fmt.Sprintf("m%02d", i)
		h.write(g+"/context", fmt.Sprintf("%d\n", 200+i))
		h.write(g+"/spaces/net", "dmz\n")
		h.write(g+"/namespace-cleanup-skip", "/run/netns/dmz\n")
		h.write(g+"/fstab", "")
		if err := os.MkdirAll(filepath.Join(h.confdir, g, "vdir"), 0o755); err != nil {
			h.t.Fatal(err)
		}
		h.mustVX(g, "setup")
		names = append(names, g)
	}
	return names
}

// TestConcurrentMemberStops: 30 members of one group stopped at once all
// succeed (none times out waiting for the lock), and exactly one of them
// removes dmz.
func TestConcurrentMemberStops(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	h.mustVX("web", "setup")
	h.mustVX("mail", "setup")
	members := h.addMembers(30)
	t0 := time.Now()
	h.mustVX("start-all", "--all", "-j", "4")
	t.Logf("start-all of 32: %v", time.Since(t0))
	for _, g := range members {
		if h.guestNetns(g) != h.netnsID("dmz") {
			t.Fatalf("%s does not run in dmz", g)
		}
	}
	h.mustVX("web", "stop")
	h.mustVX("mail", "stop")
	results := make([]result, len(members))
	took := make([]time.Duration, len(members))
	var wg sync.WaitGroup
	t0 = time.Now()
	for i, g := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			results[i] = h.vx(g, "stop")
			took[i] = time.Since(t0)
		}()
	}
	wg.Wait()
	t.Logf("30 concurrent stops: %v", time.Since(t0))
	removed := 0
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("stop %s: %s", members[i], r)
		}
		if strings.Contains(r.stdout, "removed network namespace dmz") {
			removed++
		}
	}
	if removed != 1 {
		t.Errorf("%d stops removed dmz, want exactly 1", removed)
	}
	if slices.Contains(netnsList(t), "dmz") {
		t.Error("dmz still exists after every member stopped")
	}
	t.Logf("stop times: %v", took)
	nstest.AssertSame(t, before)
}

// TestListAsksUtilVserverOnce: list over a group of several members, some
// running, costs one util-vserver run, and shows who runs.
func TestListAsksUtilVserverOnce(t *testing.T) {
	h := newHost(t, "dmz")
	h.mustVX("web", "setup")
	h.mustVX("mail", "setup")
	h.addMembers(4)
	h.mustVX("web", "start")
	h.mustVX("m02", "start")
	runs := h.runLog()
	r := h.mustVX("list")
	if n := runs(); n != 1 {
		t.Errorf("list made %d util-vserver runs, want 1", n)
	}
	for _, want := range []string{"web(running)", "m02(running)", "mail ", "m01 "} {
		if !strings.Contains(r.stdout+" ", want) {
			t.Errorf("list lacks %q:\n%s", want, r.stdout)
		}
	}
	h.mustVX("web", "stop")
	runs = h.runLog()
	h.mustVX("m02", "stop")
	// vserver m02 stop (re-executed once into the guest's mount namespace)
	// and nothing more: no other member has a run entry that can be read.
	if n := runs(); n != 2 {
		t.Errorf("stop of the last running member made %d util-vserver runs, want 2 (vserver stop and its re-exec)", n)
	}
}

// TestMemberStopCostsAPlainStop: stopping one member while another runs
// keeps the namespace and costs what a plain vserver stop costs (its run
// and its re-exec): the message names the other members without asking
// util-vserver which of them run; --verbose asks, once.
func TestMemberStopCostsAPlainStop(t *testing.T) {
	h := newHost(t, "dmz")
	h.mustVX("web", "setup")
	h.mustVX("mail", "setup")
	h.addMembers(3)
	h.mustVX("web", "start")
	h.mustVX("m02", "start")
	h.mustVX("mail", "start")
	runs := h.runLog()
	r := h.mustVX("web", "stop")
	if n := runs(); n != 2 {
		t.Errorf("stop of a member that keeps dmz made %d util-vserver runs, want 2 (vserver stop and its re-exec)", n)
	}
	if !strings.Contains(r.stdout, "keeping network namespace dmz") || !strings.Contains(r.stdout, "m02") || !strings.Contains(r.stdout, "vserverx list") {
		t.Errorf("the stop does not say why dmz stays:\n%s", r)
	}
	runs = h.runLog()
	r = h.mustVX("-v", "m02", "stop")
	if n := runs(); n != 3 {
		t.Errorf("stop -v of a member that keeps dmz made %d util-vserver runs, want 3 (stop, re-exec, one question about the others)", n)
	}
	if !strings.Contains(r.stdout, "still used by running guest(s) mail;") {
		t.Errorf("stop -v does not name the member that runs:\n%s", r)
	}
	h.mustVX("mail", "stop")
}

// TestImmediateRestartAfterStop: a macvlan guest (same MAC every time) is
// started again right after each stop, several times.
func TestImmediateRestartAfterStop(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	before := nstest.Snapshot(t)
	h.mustVX("fw", "setup")
	for i := range 4 {
		if r := h.vx("fw", "start"); r.code != 0 {
			t.Fatalf("start %d right after a stop: %s", i, r)
		}
		h.mustVX("fw", "stop")
	}
	nstest.AssertSame(t, before)
}
