// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestPids finds a process by any of its threads.
func TestPids(t *testing.T) {
	nstest.RequireRoot(t)
	ns := mustCreate(t, "p")
	if pids, err := Pids(ns); err != nil || len(pids) != 0 {
		t.Fatalf("Pids of an empty namespace = %v %v", pids, err)
	}
	cmd := exec.Command("sleep", "30")
	if err := StartIn(ns, cmd, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pids, err := Pids(ns)
	if err != nil || len(pids) != 1 || pids[0] != cmd.Process.Pid {
		t.Fatalf("Pids = %v %v, want [%d]", pids, err, cmd.Process.Pid)
	}
	if out := strings.TrimSpace(nstest.IP(t, "netns", "pids", "p")); out != itoa(cmd.Process.Pid) {
		t.Errorf("ip netns pids p = %q, want %d", out, cmd.Process.Pid)
	}
	// A thread of this test binary inside the namespace counts too.
	err = ns.Do(func() error {
		pids, err = Pids(ns)
		return err
	})
	if err != nil || len(pids) != 2 || pids[0] != os.Getpid() && pids[1] != os.Getpid() {
		t.Errorf("Pids with one of our threads inside = %v %v, want %d and %d", pids, err, os.Getpid(), cmd.Process.Pid)
	}
}

// TestPidsNumericOrder: Pids sorts numerically, also across a change in
// the number of digits (/proc lists "10000" before "9999").
func TestPidsNumericOrder(t *testing.T) {
	nstest.RequireRoot(t)
	if os.Getpid() != 1 {
		t.Skip("sets ns_last_pid: needs to be PID 1 of the sandbox's PID namespace")
	}
	ns := mustCreate(t, "order")
	var want []int
	for _, last := range []string{"9990", "9999"} { // leeway: Go may fork a probe first
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(last), 0); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sleep", "30")
		if err := StartIn(ns, cmd, ExecOptions{}); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		want = append(want, cmd.Process.Pid)
	}
	if len(itoa(want[0])) == len(itoa(want[1])) {
		t.Fatalf("children got pids %v, want one below 10000 and one above: the test proves nothing", want)
	}
	if pids, err := Pids(ns); err != nil || !slices.Equal(pids, want) {
		t.Errorf("Pids = %v %v, want %v", pids, err, want)
	}
}

// TestPidsWithNetnsFakeProc runs the scan on a made-up /proc whose ns/net
// entries are hard links to a file standing in for the namespace (a
// directory's link count there is 2 + its subdirectories, as procfs counts
// a task directory's threads): a process is found by its only thread, by
// one of several threads, and when its main thread has exited (no ns/net
// of its own any more); others, non-numeric entries and a process without
// a task directory are not; the result is in numeric order.
func TestPidsWithNetnsFakeProc(t *testing.T) {
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	x, other := filepath.Join(root, "x"), filepath.Join(root, "other")
	for _, f := range []string{x, other} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(target, path); err != nil {
			t.Fatal(err)
		}
	}
	process := func(pid string, leader string, threads map[string]string) {
		t.Helper()
		if leader != "" {
			link(leader, filepath.Join(proc, pid, "ns/net"))
		}
		for tid, ns := range threads {
			link(ns, filepath.Join(proc, pid, "task", tid, "ns/net"))
		}
	}
	process("9", x, map[string]string{"9": x})                                 // one thread, in x
	process("11", other, map[string]string{"11": other})                       // one thread, elsewhere
	process("10", other, map[string]string{"10": other, "12": x, "13": other}) // one of three threads in x
	process("14", other, map[string]string{"14": other, "15": other})          // no thread in x
	process("100", "", map[string]string{"101": x})                            // main thread gone, the other in x
	if err := os.MkdirAll(filepath.Join(proc, "16"), 0o755); err != nil {      // no task directory
		t.Fatal(err)
	}
	link(x, filepath.Join(proc, "self", "task", "1", "ns/net")) // not a process number
	var st unix.Stat_t
	if err := unix.Stat(x, &st); err != nil {
		t.Fatal(err)
	}
	pids, err := pidsWithNetns(proc, st.Dev, st.Ino)
	if want := []int{9, 10, 100}; err != nil || !slices.Equal(pids, want) {
		t.Errorf("pidsWithNetns = %v %v, want %v", pids, err, want)
	}
}

// TestPidsWithNetnsNoProc: a missing /proc is an error naming it.
func TestPidsWithNetnsNoProc(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "proc")
	if _, err := pidsWithNetns(missing, 0, 0); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("pidsWithNetns(%s) = %v, want an error naming it", missing, err)
	}
}
