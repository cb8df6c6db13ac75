// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// The runner is PID 1 of its sandbox, so every process whose parent exits
// first (the stand-in's guests, util-vserver's lock helpers) becomes its
// child, and stays a zombie until it is waited for. On a real host init
// does that; here the zombies would pile up in /proc, which the stand-in's
// status and vserverx's scan of a namespace's processes walk, and make
// later measurements slower. The runner's own children are waited for by
// os/exec at once; an orphan is reaped once it has been a zombie for
// orphanAge, long after any os/exec Wait would have taken it.
const (
	orphanAge  = time.Second
	reapPeriod = 250 * time.Millisecond
)

// reapOrphans reaps, forever, zombie children that have been zombies for
// orphanAge.
func reapOrphans() {
	seen := map[int]time.Time{} // zombie children by pid: when first seen
	for {
		now := time.Now()
		for pid := range seen {
			if !isZombieChild(pid) {
				delete(seen, pid)
			}
		}
		for _, pid := range zombieChildren() {
			first, ok := seen[pid]
			switch {
			case !ok:
				seen[pid] = now
			case now.Sub(first) >= orphanAge:
				var ws unix.WaitStatus
				_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
				delete(seen, pid)
			}
		}
		time.Sleep(reapPeriod)
	}
}

// zombieChildren lists the zombies whose parent is this process.
func zombieChildren() []int {
	paths, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, p := range paths {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err == nil && isZombieChild(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// isZombieChild reports whether pid is a zombie whose parent is this
// process (fields 3 and 4 of /proc/PID/stat, after the command).
func isZombieChild(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	state, ppid, ok := statStateParent(b)
	return ok && state == "Z" && ppid == os.Getpid()
}

// statStateParent reads the state and the parent pid of a /proc/PID/stat
// line; the command in field 2 may hold spaces and parentheses.
func statStateParent(stat []byte) (state string, ppid int, ok bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", 0, false
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, err := strconv.Atoi(string(f[1]))
	return string(f[0]), ppid, err == nil
}
