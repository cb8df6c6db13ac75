// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"os"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// Pids returns every process that has any thread in the namespace, sorted,
// like `ip netns pids NAME` (which looks at the main threads only). It
// scans /proc/*/task/*/ns/net.
func Pids(ns *NS) ([]int, error) {
	var want unix.Stat_t
	if err := unix.Fstat(ns.fd, &want); err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", ns.Name, err)
	}
	pids, err := pidsWithNetns("/proc", want.Dev, want.Ino)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: list processes: %w", ns.Name, err)
	}
	return pids, nil
}

// pidsWithNetns lists, sorted, the processes under proc (a procfs) that
// have a thread whose ns/net is the file dev/ino.
func pidsWithNetns(proc string, dev, ino uint64) ([]int, error) {
	names, err := dirNames(proc)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err == nil && anyTaskIn(proc+"/"+name, dev, ino) {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids) // /proc lists "10000" before "9999"
	return pids, nil
}

// anyTaskIn reports whether a thread of the process whose /proc directory
// is dir lives in the namespace dev/ino. A process that vanishes meanwhile
// is not. Most processes have one thread: procfs gives a task directory
// 2 + (number of threads) links, so one stat tells, and the process's own
// ns/net is that thread's. Only processes with more threads, or whose main
// thread has exited (its ns/net is gone), have their threads listed.
func anyTaskIn(dir string, dev, ino uint64) bool {
	var task unix.Stat_t
	if unix.Stat(dir+"/task", &task) != nil {
		return false
	}
	if task.Nlink == 3 {
		if in, ok := fileIs(dir+"/ns/net", dev, ino); ok {
			return in
		}
	}
	tids, err := dirNames(dir + "/task")
	if err != nil {
		return false
	}
	for _, tid := range tids {
		if in, _ := fileIs(dir+"/task/"+tid+"/ns/net", dev, ino); in {
			return true
		}
	}
	return false
}

// fileIs reports whether path is the file dev/ino; ok is false when path
// cannot be looked at.
func fileIs(path string, dev, ino uint64) (is, ok bool) {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return false, false
	}
	return st.Dev == dev && st.Ino == ino, true
}

// dirNames lists the names in directory dir, unsorted.
func dirNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}
