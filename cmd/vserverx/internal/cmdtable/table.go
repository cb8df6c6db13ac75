// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package cmdtable

import (
	"strconv"
	"strings"
)

// FlagKind is the type of a flag's value.
type FlagKind int

// The kinds of flags.
const (
	Bool    FlagKind = iota // no value
	String                  // one value
	Int                     // one decimal value
	Strings                 // one value, repeatable
)

// Flag is one option: of vserverx itself (GlobalFlags) or of a command.
// Adding an option is adding one Flag to its command (and reading it in
// the command's action).
type Flag struct {
	Name    string   // the long name, without dashes
	Aliases []string // other names, short ones as one letter
	Kind    FlagKind
	Arg     string // the placeholder of its value (DIR, N, ...); for String, Int, Strings
	Usage   string // one line for --help
	Desc    string // the man page's text; Usage when empty
	Default string // the default, as shown; "" for none
	Value   string // the value when the option is not given, when it is a constant
	Env     string // an environment variable that sets it
}

// Command is one command: of a guest (vserverx NAME COMMAND) or of the
// host (vserverx COMMAND).
type Command struct {
	Name    string
	Aliases []string
	Guest   bool   // vserverx NAME COMMAND
	Args    string // what follows the command in its usage line (flags included)
	Usage   string // one line for --help
	Desc    string // the long description: the command's help and the man page
	Flags   []Flag
	Hidden  bool  // an internal command the scriptlets call, not in --help
	Exits   []int // the statuses of the table it leaves with, besides 0 and the usage error
	Wrapped bool  // leaves with the wrapped vserver's (or command's) own status
	Signal  bool  // a signal that interrupts it makes it leave with 128+signal
}

// Find returns the command called name (a guest command when guest), and
// false when there is none.
func Find(name string, guest bool) (Command, bool) {
	for _, c := range Commands {
		if c.Guest == guest && c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// MustFind is Find for the commands the CLI builds: a name that is not in
// the table is a programming error.
func MustFind(name string, guest bool) Command {
	c, ok := Find(name, guest)
	if !ok {
		panic("cmdtable: no command " + name)
	}
	return c
}

// ExitRows are the rows of exits that command c leaves with: 0 and the
// usage error, its own Exits, the wrapped command's (Wrapped) and 128+N
// (Signal), in the table's order.
func (c Command) ExitRows(exits []Exit) []Exit {
	want := map[string]bool{"0": true, "2": true, "N": c.Wrapped, "128+N": c.Signal}
	for _, code := range c.Exits {
		want[itoa(code)] = true
	}
	var out []Exit
	for _, e := range exits {
		if want[e.Code] {
			out = append(out, e)
		}
	}
	return out
}

// ExitCodes lists the codes of rows: "0, 1, 2 or 5".
func ExitCodes(rows []Exit) string {
	codes := make([]string, len(rows))
	for i, e := range rows {
		codes[i] = e.Code
	}
	if len(codes) < 2 {
		return strings.Join(codes, "")
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}

func itoa(n int) string { return strconv.Itoa(n) }

// FlagNames are the names a user types for f: --name, -a.
func (f Flag) FlagNames() []string {
	out := []string{dashed(f.Name)}
	for _, a := range f.Aliases {
		out = append(out, dashed(a))
	}
	return out
}

func dashed(n string) string {
	if len(n) == 1 {
		return "-" + n
	}
	return "--" + n
}

// Text is the man page's text of f.
func (f Flag) Text() string {
	if f.Desc != "" {
		return f.Desc
	}
	return f.Usage
}
