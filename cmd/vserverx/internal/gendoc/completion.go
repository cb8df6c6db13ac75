// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"strings"
)

func shellBegin(tag string) string { return "# BEGIN GENERATED " + tag + ": " + generatedNote + "\n" }
func shellEnd(tag string) string   { return "# END GENERATED " + tag + "\n" }

// UpdateCompletion replaces the generated word lists of the bash
// completion src.
func UpdateCompletion(src string) (string, error) { return current().UpdateCompletion(src) }

// UpdateCompletion replaces the generated word lists of the bash
// completion src.
func (t Table) UpdateCompletion(src string) (string, error) {
	return replaceBetween(src, shellBegin(completionTag), shellEnd(completionTag), t.CompletionWords())
}

// CompletionWords are the completion's word lists: the global options
// (and those that take a value), the host and guest commands, the options
// that take a value, and the options of each command that has some as
// _vserverx_opts_NAME (dashes as underscores), --help included.
func (t Table) CompletionWords() string {
	var b strings.Builder
	var globals, globalArgs, cmdArgs, host, guest []string
	for _, f := range t.GlobalFlags {
		globals = append(globals, f.FlagNames()...)
		if f.Arg != "" {
			globalArgs = append(globalArgs, f.FlagNames()...)
		}
	}
	for _, c := range t.Commands {
		for _, f := range c.Flags {
			if f.Arg != "" && !containsAll(cmdArgs, f.FlagNames()) {
				cmdArgs = append(cmdArgs, f.FlagNames()...)
			}
		}
		switch {
		case c.Hidden:
		case c.Guest:
			guest = append(guest, c.Name)
		default:
			host = append(host, c.Name)
		}
	}
	fmt.Fprintf(&b, "_vserverx_global_opts=%q\n", strings.Join(globals, " "))
	fmt.Fprintf(&b, "_vserverx_opts_with_arg=%q\n", " "+strings.Join(globalArgs, " ")+" ")
	fmt.Fprintf(&b, "_vserverx_cmd_opts_with_arg=%q\n", " "+strings.Join(cmdArgs, " ")+" ")
	fmt.Fprintf(&b, "_vserverx_plain_cmds=%q\n", strings.Join(host, " "))
	fmt.Fprintf(&b, "_vserverx_guest_cmds=%q\n", strings.Join(guest, " "))
	for _, c := range t.Commands {
		if c.Hidden || len(c.Flags) == 0 {
			continue
		}
		var opts []string
		for _, f := range c.Flags {
			opts = append(opts, f.FlagNames()...)
		}
		fmt.Fprintf(&b, "_vserverx_opts_%s=%q\n", strings.ReplaceAll(c.Name, "-", "_"), strings.Join(append(opts, "--help"), " "))
	}
	return b.String()
}

func containsAll(list, words []string) bool {
	for _, w := range words {
		found := false
		for _, l := range list {
			found = found || l == w
		}
		if !found {
			return false
		}
	}
	return true
}

// UpdateReadme replaces the generated exit status table of the README src.
func UpdateReadme(src string) (string, error) { return current().UpdateReadme(src) }

// UpdateReadme replaces the generated exit status table of the README src.
func (t Table) UpdateReadme(src string) (string, error) {
	begin := "<!-- BEGIN GENERATED " + readmeTag + ": " + generatedNote + " -->\n"
	end := "<!-- END GENERATED " + readmeTag + " -->\n"
	return replaceBetween(src, begin, end, t.ReadmeExitTable())
}

// ReadmeExitTable is the exit status table as Markdown.
func (t Table) ReadmeExitTable() string {
	var b strings.Builder
	b.WriteString("| status | meaning |\n|---|---|\n")
	for _, e := range t.Exits {
		fmt.Fprintf(&b, "| %s | %s |\n", e.Code, strings.ReplaceAll(e.Meaning, "|", `\|`))
	}
	return b.String()
}
