// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"strings"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
)

// Table is what the documentation is generated from: the command table,
// or (in tests) a changed copy of it.
type Table struct {
	Commands    []cmdtable.Command
	GlobalFlags []cmdtable.Flag
	Exits       []cmdtable.Exit
}

// current is the command table vserverx is built from.
func current() Table {
	globals := append(append([]cmdtable.Flag(nil), cmdtable.GlobalFlags...), cmdtable.HelpFlag, cmdtable.VersionFlag)
	return Table{Commands: cmdtable.Commands, GlobalFlags: globals, Exits: cmdtable.Exits}
}

// The markers around the generated parts. What lies between a begin and
// its end marker is replaced; everything else is kept.
const (
	generatedNote  = "generated from cmd/vserverx/internal/cmdtable by go generate ./cmd/vserverx; edit the table, not this"
	manCommandsTag = "COMMANDS, INTERNAL COMMANDS, OPTIONS"
	manExitTag     = "EXIT STATUS"
	completionTag  = "WORD LISTS"
	readmeTag      = "EXIT STATUS TABLE"
)

func manBegin(tag string) string { return `.\" BEGIN GENERATED ` + tag + ": " + generatedNote + "\n" }
func manEnd(tag string) string   { return `.\" END GENERATED ` + tag + "\n" }

// UpdateMan replaces the generated sections of the man page src.
func UpdateMan(src string) (string, error) { return current().UpdateMan(src) }

// UpdateMan replaces the generated sections of the man page src.
func (t Table) UpdateMan(src string) (string, error) {
	out, err := replaceBetween(src, manBegin(manCommandsTag), manEnd(manCommandsTag), t.ManCommands())
	if err != nil {
		return "", err
	}
	return replaceBetween(out, manBegin(manExitTag), manEnd(manExitTag), t.ManExitStatus())
}

// replaceBetween replaces what lies between the lines begin and end of src
// (each there once, in that order) with body.
func replaceBetween(src, begin, end, body string) (string, error) {
	i := strings.Index(src, begin)
	j := strings.Index(src, end)
	if i < 0 || j < i || strings.Count(src, begin) != 1 || strings.Count(src, end) != 1 {
		return "", fmt.Errorf("want the marker lines %q and %q once each, in that order", strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	return src[:i+len(begin)] + body + src[j:], nil
}

// ManCommands is the man page's COMMANDS, INTERNAL COMMANDS and OPTIONS.
func (t Table) ManCommands() string {
	var b strings.Builder
	b.WriteString(".SH COMMANDS\n.SS Guest commands\n" + roffText(cmdtable.GuestIntro))
	t.manCommandItems(&b, func(c cmdtable.Command) bool { return c.Guest && !c.Hidden })
	b.WriteString(".SS Host commands\n" + roffText(cmdtable.HostIntro))
	t.manCommandItems(&b, func(c cmdtable.Command) bool { return !c.Guest && !c.Hidden })
	b.WriteString(".SH INTERNAL COMMANDS\n" + roffText(cmdtable.InternalIntro))
	t.manCommandItems(&b, func(c cmdtable.Command) bool { return c.Hidden })
	b.WriteString(".SH OPTIONS\n.SS Global options\n" + roffText(cmdtable.GlobalIntro))
	manFlagItems(&b, t.GlobalFlags)
	for _, grp := range t.optionGroups() {
		fmt.Fprintf(&b, ".SS Options of %s\n", roffEscape(joinAnd(grp.names)))
		manFlagItems(&b, grp.flags)
	}
	return b.String()
}

// manCommandItems writes a .TP item for each command that want selects.
func (t Table) manCommandItems(b *strings.Builder, want func(cmdtable.Command) bool) {
	for _, c := range t.Commands {
		if !want(c) {
			continue
		}
		tag := `\fB` + roffEscape(strings.Join(append([]string{c.Name}, c.Aliases...), ", ")) + `\fR`
		if c.Args != "" {
			tag += " " + roffEscape(c.Args)
		}
		b.WriteString(".TP\n" + tag + "\n" + roffText(c.Desc+" Exit status: "+cmdtable.ExitCodes(c.ExitRows(t.Exits))+" (see EXIT STATUS)."))
	}
}

// manFlagItems writes a .TP item for each option.
func manFlagItems(b *strings.Builder, fs []cmdtable.Flag) {
	for _, f := range fs {
		var names []string
		for _, n := range f.FlagNames() {
			s := `\fB` + roffEscape(n) + `\fR`
			if f.Arg != "" {
				s += ` \fI` + roffEscape(f.Arg) + `\fR`
			}
			names = append(names, s)
		}
		text := sentence(f.Text())
		if f.Default != "" {
			text += " Default: " + f.Default + "."
		}
		if f.Env != "" {
			text += " The environment variable " + f.Env + " sets it too."
		}
		b.WriteString(".TP\n" + strings.Join(names, ", ") + "\n" + roffText(text))
	}
}

// optionGroup is commands that have the same options, documented together.
type optionGroup struct {
	names []string
	flags []cmdtable.Flag
}

// optionGroups are the visible commands with options, those with the same
// options together, in the table's order.
func (t Table) optionGroups() []optionGroup {
	var groups []optionGroup
	index := map[string]int{}
	for _, c := range t.Commands {
		if len(c.Flags) == 0 || c.Hidden {
			continue
		}
		key := flagKey(c.Flags)
		if i, ok := index[key]; ok {
			groups[i].names = append(groups[i].names, c.Name)
			continue
		}
		index[key] = len(groups)
		groups = append(groups, optionGroup{names: []string{c.Name}, flags: c.Flags})
	}
	return groups
}

func flagKey(fs []cmdtable.Flag) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name+"|"+f.Text())
	}
	return strings.Join(names, "\n")
}

// joinAnd joins names as "a, b and c".
func joinAnd(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// ManExitStatus is the man page's EXIT STATUS section.
func (t Table) ManExitStatus() string {
	var b strings.Builder
	b.WriteString(".SH EXIT STATUS\n" + roffText("Every number has one meaning, for every command; the help of each command lists those it can leave with."))
	for _, e := range t.Exits {
		b.WriteString(".TP\n.B " + roffEscape(e.Code) + "\n" + roffText(sentence(upperFirst(e.Meaning))))
	}
	return b.String()
}

// sentence ends s with a full stop.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// roffEscape escapes text for roff: backslashes and hyphens (every one a
// minus, as options need).
func roffEscape(s string) string {
	return strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
}

// roffText renders plain text as roff lines: one sentence a line (as
// mandoc asks), paragraphs (blank lines) as .IP inside an item, escaped,
// no line starting with a control character.
func roffText(text string) string {
	var b strings.Builder
	for i, para := range strings.Split(text, "\n\n") {
		if i > 0 {
			b.WriteString(".IP\n")
		}
		for _, sentence := range strings.Split(strings.ReplaceAll(strings.Join(strings.Fields(para), " "), ". ", ".\n"), "\n") {
			for _, line := range wrap(roffEscape(sentence), 78) {
				if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
					line = `\&` + line
				}
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

// wrap splits text into lines of at most width bytes, at blanks (a longer
// word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) > width:
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	return append(lines, line)
}
