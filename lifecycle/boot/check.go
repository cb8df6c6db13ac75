// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"fmt"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// Check reports what start-all and stop-all would skip, ignore or
// refuse in the boot configuration of guests (their apps/init/depends
// and, when marks are given, the --mark values), in the words those
// commands use, so that check-all finds it before a boot does. Only
// guests the boot can act on (enabled, with a vdir) are judged:
//
//   - an entry naming no guest: start-all skips the guest (error);
//   - a dependency cycle, a guest depending on itself included: start-all
//     skips every guest on it (error; stop-all stops them unordered);
//   - a dependency on a guest that is disabled or has no vdir: start-all
//     skips the guest (error);
//   - a --mark value that selects no guest (warning); a malformed one
//     (error).
func Check(guests []*config.Guest, marks []string) config.Problems {
	deps := analyseDepends(guests)
	var ps config.Problems
	cycles := map[int]bool{}
	for _, name := range sortedNames(deps.byName) {
		if unrunnable(deps.byName[name]) != "" {
			continue
		}
		ps = append(ps, deps.problemsOf(name, cycles)...)
	}
	return append(ps, markProblems(guests, marks)...)
}

// problemsOf returns the boot problems of one runnable guest; cycles
// holds the components already reported.
func (d *depends) problemsOf(name string, cycles map[int]bool) config.Problems {
	var ps config.Problems
	file := d.dependsFile(name)
	if d.unknown[name] != nil {
		ps = append(ps, config.Problem{File: file, Msg: d.unknownMsg(name) + "; start-all skips " + name})
	}
	if d.cycle[name] != nil && !cycles[d.comp[name]] {
		cycles[d.comp[name]] = true
		members := d.cycleGuests(name)
		ps = append(ps, config.Problem{File: file, Msg: fmt.Sprintf("%s; start-all skips %s, stop-all stops them in no particular order among themselves",
			d.cycleReason(name), strings.Join(members, ", "))})
	}
	for _, dep := range d.known(name) {
		if why := unrunnable(d.byName[dep]); why != "" {
			ps = append(ps, config.Problem{File: file, Msg: fmt.Sprintf("needs %s, which is not started: %s; start-all skips %s", dep, why, name)})
		}
	}
	return ps
}

// cycleGuests returns the runnable guests on name's cycle, sorted.
func (d *depends) cycleGuests(name string) []string {
	var out []string
	for _, n := range sortedNames(d.byName) {
		if d.sameCycle(n, name) && unrunnable(d.byName[n]) == "" {
			out = append(out, n)
		}
	}
	return out
}

// markProblems judges the --mark values as start-all would read them.
func markProblems(guests []*config.Guest, marks []string) config.Problems {
	filters, err := parseMarks(marks)
	if err != nil {
		return config.Problems{{Msg: strings.TrimPrefix(err.Error(), ErrConfig.Error()+": ")}}
	}
	var ps config.Problems
	for _, f := range filters {
		if !selectsAny(guests, f) {
			ps = append(ps, config.Problem{Severity: config.SeverityWarning,
				Msg: fmt.Sprintf("--mark %s selects no guest (no enabled guest with a vdir has a matching apps/init/mark)", f.arg)})
		}
	}
	return ps
}

// selectsAny reports whether f selects a guest the boot can act on.
func selectsAny(guests []*config.Guest, f markFilter) bool {
	for _, g := range guests {
		if unrunnable(g) == "" && f.matches(g) {
			return true
		}
	}
	return false
}
