// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"strconv"
	"strings"
)

// RunResult is what one test binary did inside the VM.
type RunResult struct {
	Name     string // TestBinary.Name
	Output   string // everything it printed (stdout and stderr)
	ExitCode int    // its exit code; -1 when its end marker is missing
}

// console is the VM console split along /init's markers.
type console struct {
	runs    []RunResult
	done    bool   // /init reached its end
	initErr string // what /init reported as failed, if anything
}

// parseConsole splits the console along the lines /init prints with prefix
// m: "m BEGIN name", "m END name rc", "m DONE", "m ERROR what". Text before
// a marker on the same line (output without a final newline) belongs to
// the run.
func parseConsole(text, m string) console {
	var c console
	var cur *RunResult
	var out strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		before, rest, found := strings.Cut(line, m+" ")
		if !found {
			if cur != nil {
				out.WriteString(line)
			}
			continue
		}
		if cur != nil && before != "" {
			out.WriteString(before + "\n")
		}
		word, arg, _ := strings.Cut(strings.TrimSpace(rest), " ")
		switch word {
		case "BEGIN":
			if cur != nil {
				cur.Output = out.String()
			}
			c.runs = append(c.runs, RunResult{Name: arg, ExitCode: -1})
			cur = &c.runs[len(c.runs)-1]
			out.Reset()
		case "END":
			if cur != nil {
				cur.Output = out.String()
				cur.ExitCode = endCode(arg)
				cur = nil
			}
		case "DONE":
			c.done = true
		case "ERROR":
			c.initErr = arg
		}
	}
	if cur != nil {
		cur.Output = out.String()
	}
	return c
}

// endCode parses "name rc" of an END marker; -1 when rc is unreadable.
func endCode(arg string) int {
	_, rc, _ := strings.Cut(arg, " ")
	n, err := strconv.Atoi(rc)
	if err != nil {
		return -1
	}
	return n
}
