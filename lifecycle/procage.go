// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// clockTicks is USER_HZ, the unit of the start time in /proc/PID/stat
// (100 on every Linux architecture).
const clockTicks = 100

// processAge returns how long ago process pid started. A process that is
// gone (or unreadable) is an error.
func processAge(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	start, err := startTicks(b)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	var now unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &now); err != nil {
		return 0, err
	}
	return time.Duration(now.Nano()) - time.Duration(start)*time.Second/clockTicks, nil
}

// startTicks reads field 22 (starttime) of a /proc/PID/stat line; the
// command in field 2 may hold spaces and parentheses, so fields are
// counted after its last ')'.
func startTicks(stat []byte) (uint64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no ')' in %q", stat)
	}
	fields := bytes.Fields(stat[i+1:]) // fields 3 and later
	if len(fields) < 20 {
		return 0, fmt.Errorf("only %d fields after the command", len(fields))
	}
	return strconv.ParseUint(string(fields[19]), 10, 64)
}

// anyOlder reports whether any of pids started more than d ago. Processes
// that are gone do not count.
func anyOlder(pids []int, d time.Duration) bool {
	for _, p := range pids {
		if age, err := processAge(p); err == nil && age > d {
			return true
		}
	}
	return false
}
