// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

//go:generate go run ./internal/gendoc -man ../../man/vserverx.8 -completion contrib/vserverx.bash-completion -readme ../../README.md

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
)

// spec is the table's entry of a guest command (guest) or host command.
func spec(name string, guest bool) cmdtable.Command { return cmdtable.MustFind(name, guest) }

// cliFlags builds urfave/cli flags from the table's. Their help is
// rendered from the table too (commandHelp, appHelp), not by urfave/cli.
func cliFlags(fs []cmdtable.Flag) []cli.Flag {
	out := make([]cli.Flag, 0, len(fs))
	for _, f := range fs {
		out = append(out, cliFlag(f))
	}
	return out
}

func cliFlag(f cmdtable.Flag) cli.Flag {
	var env []string
	if f.Env != "" {
		env = []string{f.Env}
	}
	switch f.Kind {
	case cmdtable.String:
		return &cli.StringFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, EnvVars: env, Value: f.Value}
	case cmdtable.Int:
		return &cli.IntFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, EnvVars: env}
	case cmdtable.Strings:
		return &cli.StringSliceFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, EnvVars: env}
	}
	return &cli.BoolFlag{Name: f.Name, Aliases: f.Aliases, Usage: f.Usage, EnvVars: env, DisableDefaultText: true}
}

// usageLine is the usage of command s ("vserverx [global options] NAME
// start [ARGS...]"); guest is the guest name shown for a guest command.
func usageLine(s cmdtable.Command, guest string) string {
	parts := []string{"vserverx [global options]"}
	if s.Guest {
		parts = append(parts, guest)
	}
	parts = append(parts, s.Name)
	if s.Args != "" {
		parts = append(parts, s.Args)
	}
	return strings.Join(parts, " ")
}

// commandHelp is the help of command s for guest (ignored for host
// commands): its usage, description, options, the exit status table (the
// same as --help's) and the statuses s leaves with, all from the table. It is used as urfave/cli's help template, so it must not
// contain template actions.
func commandHelp(s cmdtable.Command, guest string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "NAME:\n   %s - %s\n\nUSAGE:\n   %s\n\nDESCRIPTION:\n%s\n", s.Name, s.Usage, usageLine(s, guest), wrapText(s.Desc, 3))
	if len(s.Flags) > 0 {
		b.WriteString("\nOPTIONS:\n" + flagList(append(append([]cmdtable.Flag(nil), s.Flags...), cmdtable.HelpFlag)))
	}
	b.WriteString("\nEXIT STATUS:\n" + exitList(cmdtable.Exits))
	b.WriteString(wrapText(s.Name+" leaves with "+cmdtable.ExitCodes(commandExits(s))+".", 3) + "\n")
	return strings.ReplaceAll(b.String(), "{{", "{ {")
}

// commandExits are the rows of the exit status table that command s can
// leave with.
func commandExits(s cmdtable.Command) []cmdtable.Exit { return s.ExitRows(cmdtable.Exits) }

// exitList renders rows of the exit status table, one a line, wrapped.
func exitList(rows []cmdtable.Exit) string {
	var b strings.Builder
	for _, e := range rows {
		b.WriteString(column("   "+e.Code, e.Meaning, 10))
	}
	return b.String()
}

// flagList renders options: their names and argument, then their usage
// and default, one option a paragraph.
func flagList(fs []cmdtable.Flag) string {
	var b strings.Builder
	for _, f := range fs {
		text := f.Usage
		if f.Default != "" {
			text += " (default: " + f.Default + ")"
		}
		if f.Env != "" {
			text += " [$" + f.Env + "]"
		}
		b.WriteString(column("   "+flagTag(f), text, 28))
	}
	return b.String()
}

// flagTag is how an option is typed: "--mark MARK, -m MARK".
func flagTag(f cmdtable.Flag) string {
	var names []string
	for _, n := range f.FlagNames() {
		if f.Arg != "" {
			n += " " + f.Arg
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// column renders tag and text in two columns, text starting at width (on
// the next line when tag is longer) and wrapped.
func column(tag, text string, width int) string {
	lines := wrapLines(text, 79-width)
	pad := strings.Repeat(" ", width)
	head := tag + strings.Repeat(" ", max(width-len(tag), 1))
	if len(tag) >= width-1 {
		head = tag + "\n" + pad
	}
	return head + strings.Join(lines, "\n"+pad) + "\n"
}

// wrapText wraps every paragraph of text at 79 columns, indented.
func wrapText(text string, indent int) string {
	pad := strings.Repeat(" ", indent)
	var paras []string
	for _, p := range strings.Split(text, "\n\n") {
		paras = append(paras, pad+strings.Join(wrapLines(p, 79-indent), "\n"+pad))
	}
	return strings.Join(paras, "\n\n")
}

// wrapLines splits text into lines of at most width bytes, at blanks.
func wrapLines(text string, width int) []string {
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

// appHelp is `vserverx --help`: usage, the guest and host commands with
// their one-line usage, the global options and the whole exit status
// table, all from the table.
func appHelp() string {
	var b strings.Builder
	b.WriteString("NAME:\n   vserverx - run Linux-VServer guests in named network namespaces\n\nUSAGE:\n")
	b.WriteString("   vserverx [global options] NAME COMMAND [ARGS...]\n")
	b.WriteString("   vserverx [global options] " + strings.Join(hostCommandNames(), "|") + " [options]\n")
	b.WriteString("   vserverx NAME COMMAND --help     help for one guest command (also: vserverx help COMMAND)\n\n")
	b.WriteString("DESCRIPTION:\n" + wrapText(appDescription, 3) + "\n\nGUEST COMMANDS:\n")
	b.WriteString(commandList(true))
	b.WriteString(column("   anything else", "passed to 'vserver NAME COMMAND ...' unchanged", 28))
	b.WriteString("\nCOMMANDS:\n" + commandList(false))
	b.WriteString("\nGLOBAL OPTIONS:\n" + flagList(append(append([]cmdtable.Flag(nil), cmdtable.GlobalFlags...), cmdtable.HelpFlag, cmdtable.VersionFlag)))
	b.WriteString("\nEXIT STATUS:\n" + exitList(cmdtable.Exits))
	b.WriteString("\nVERSION:\n   {{.Version}}\n\nSee vserverx(8).\n")
	return b.String()
}

// hostCommandNames are the visible host commands but help.
func hostCommandNames() []string {
	var names []string
	for _, c := range cmdtable.Commands {
		if !c.Guest && !c.Hidden && c.Name != "help" {
			names = append(names, c.Name)
		}
	}
	return names
}

// commandList lists the visible guest (or host) commands with their
// one-line usage.
func commandList(guest bool) string {
	var b strings.Builder
	for _, c := range cmdtable.Commands {
		if c.Guest != guest || c.Hidden {
			continue
		}
		tag := strings.Join(append([]string{c.Name}, c.Aliases...), ", ")
		if guest && c.Args != "" {
			tag += " " + c.Args
		}
		b.WriteString(column("   "+tag, c.Usage, 28))
	}
	return b.String()
}
