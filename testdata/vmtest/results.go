// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"fmt"
	"regexp"
	"strings"
)

// TestResult is the outcome of one test or subtest inside the VM, read
// from the binary's -test.v output.
type TestResult struct {
	Name   string // "TestX" or "TestX/sub"
	Status string // "PASS", "FAIL" or "SKIP"
	// Output is what the test's top-level test printed between its
	// "=== RUN" line and its result (for a skip, the reason).
	Output string
}

// resultLine matches go test -v's result lines, at any depth.
var resultLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+) \(`)

// runLine matches "=== RUN", "=== CONT" and "=== NAME" lines.
var runLine = regexp.MustCompile(`^=== (?:RUN|CONT|NAME)\s+(\S+)`)

// Tests returns the results of every test and subtest the binary reported,
// in the order reported.
func (r RunResult) Tests() []TestResult {
	var results []TestResult
	outputs := map[string]*strings.Builder{}
	current := ""
	for _, line := range strings.SplitAfter(r.Output, "\n") {
		if m := runLine.FindStringSubmatch(line); m != nil {
			current, _, _ = strings.Cut(m[1], "/")
			if outputs[current] == nil {
				outputs[current] = &strings.Builder{}
			}
			continue
		}
		if m := resultLine.FindStringSubmatch(line); m != nil {
			top, _, _ := strings.Cut(m[2], "/")
			results = append(results, TestResult{Name: m[2], Status: m[1], Output: text(outputs[top])})
			continue
		}
		if current != "" {
			outputs[current].WriteString(line)
		}
	}
	return results
}

func text(b *strings.Builder) string {
	if b == nil {
		return ""
	}
	return b.String()
}

// Problems lists why a run does not count as passed inside the VM: the
// run's own problems (see RunProblems) and every failed or skipped test
// (see TestResult.Problem). None means the run passed.
func (r RunResult) Problems(mustPass []string) []string {
	problems := r.RunProblems(mustPass)
	for _, t := range r.Tests() {
		if p := t.Problem(); p != "" {
			problems = append(problems, p)
		}
	}
	return problems
}

// RunProblems lists the problems of the run as a whole: a non-zero exit
// code, no test that passed, and every name in mustPass that reported no
// result at all (a failed or skipped one is a TestResult.Problem).
func (r RunResult) RunProblems(mustPass []string) []string {
	var problems []string
	if r.ExitCode != 0 {
		problems = append(problems, fmt.Sprintf("%s exited with code %d", r.Name, r.ExitCode))
	}
	reported, passed := map[string]bool{}, false
	for _, t := range r.Tests() {
		reported[t.Name] = true
		passed = passed || t.Status == "PASS"
	}
	if !passed {
		problems = append(problems, fmt.Sprintf("%s ran no test that passed", r.Name))
	}
	for _, name := range mustPass {
		if !reported[name] {
			problems = append(problems, fmt.Sprintf("%s did not run inside the VM (no result line)", name))
		}
	}
	return problems
}

// Problem says why the result does not count as passed, or "": a failed
// test, or a skipped one (inside the VM every driver is there, so a skip
// hides a test that did not run).
func (t TestResult) Problem() string {
	switch t.Status {
	case "FAIL":
		return fmt.Sprintf("%s failed inside the VM", t.Name)
	case "SKIP":
		reason := strings.TrimRight(t.Output, "\n")
		if reason == "" {
			reason = "(it printed no reason)"
		}
		return fmt.Sprintf("%s skipped inside the VM, where it must run:\n%s", t.Name, reason)
	}
	return ""
}
