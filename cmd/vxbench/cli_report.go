// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Goals of the command-line table: vserverx / baseline at most this.
const (
	goalPlanScale  = 2.5 // plan with 1000 guests in the confdir against 10
	goalMemberStop = 1.2 // stop of a member of a running group of 12 against a plain stop
	goalList       = 3.0 // list over 50 guests against one vserver NAME status
	goalTeardownK  = 1.3 // engine teardown with 4 interfaces against 1
)

// goalGroupSize is the group size the member-stop goal is judged at.
const goalGroupSize = 12

// cliRow is one row of the command-line table: a command against its
// baseline, both measured in the same run.
type cliRow struct {
	what, base   string
	reps         int
	x, b         time.Duration // medians
	xRuns, bRuns int           // util-vserver runs per command (the most seen), or noRuns
	goal         float64       // x/b must be at most this; 0: no goal
}

// newCLIRow summarises the samples of the command and of its baseline.
func newCLIRow(what, base string, goal float64, xs, bs []sample) cliRow {
	r := cliRow{what: what, base: base, reps: len(xs), goal: goal}
	r.x, r.xRuns = summary(xs)
	r.b, r.bRuns = summary(bs)
	return r
}

func (r cliRow) ratio() float64 { return float64(r.x) / float64(r.b) }

// goalText is the goal and its verdict, or "" without a goal.
func (r cliRow) goalText() string {
	if r.goal == 0 {
		return ""
	}
	return fmt.Sprintf("<= %.1f: %s", r.goal, verdict(r.ratio() <= r.goal))
}

// runsText is a run count, "-" for a contender that runs no util-vserver.
func runsText(n int) string {
	if n == noRuns {
		return "-"
	}
	return strconv.Itoa(n)
}

// printCLIHeader explains the command-line table.
func printCLIHeader(w io.Writer) {
	printLines(w,
		"What the administrator waits for: vserverx's commands as run from the shell, each against a",
		"baseline measured in the same run, interleaved. Medians in ms; runs = util-vserver runs per",
		"command (bash runs of its scripts, from STANDIN_RUNLOG; the most seen): the stand-in's cost a",
		"few ms each, util-vserver's real ones 0.1-0.2 s, so on a real host the runs are what count.",
		"ratio = vserverx / baseline.",
		"")
	fmt.Fprintf(w, "%-44s %4s | %9s %4s | %-36s %9s %4s | %6s  %s\n",
		"what", "reps", "ms", "runs", "baseline", "ms", "runs", "ratio", "goal")
}

// printCLIRow writes one row of the command-line table.
func printCLIRow(w io.Writer, r cliRow) {
	fmt.Fprintf(w, "%-44s %4d | %9.1f %4s | %-36s %9.1f %4s | %6.2f  %s\n",
		r.what, r.reps, ms(r.x), runsText(r.xRuns), r.base, ms(r.b), runsText(r.bRuns), r.ratio(), r.goalText())
}

// concurrentStops is what concurrent stops of every member of one group
// measured.
type concurrentStops struct {
	members  int
	failed   []string      // members whose stop failed, with the reason
	waited   int           // stops that had to wait for the namespace's lock
	removed  int           // stops that removed the namespace
	wall     time.Duration // from the first launch to the last exit
	longest  time.Duration // the slowest single stop
	runs     int           // util-vserver runs of all of them together
	lockWait time.Duration // the longest lock wait vserverx reported (-v), 0 when none
}

// printConcurrentStops writes the concurrent-stop line and its goals.
func printConcurrentStops(w io.Writer, c concurrentStops) {
	fmt.Fprintf(w, "%d concurrent member stops of one running group: %d failed (goal 0: %s), %d removed the namespace (want 1: %s)\n",
		c.members, len(c.failed), verdict(len(c.failed) == 0), c.removed, verdict(c.removed == 1))
	fmt.Fprintf(w, "  wall %.0f ms, slowest stop %.0f ms, %d waited for the lock (longest wait %.0f ms), %d util-vserver runs in all\n",
		ms(c.wall), ms(c.longest), c.waited, ms(c.lockWait), c.runs)
	for _, f := range c.failed {
		fmt.Fprintf(w, "  failed: %s\n", f)
	}
}
