// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
)

// The man page man/vserverx.8 documents every command and option as a .TP
// item in a fixed place:
//
//	COMMANDS / Guest commands      the visible guest commands (NAME COMMAND)
//	COMMANDS / Host commands       the visible host commands, help included
//	INTERNAL COMMANDS              the hidden commands the scriptlets call
//	OPTIONS / Global options       the global options, --help and --version
//	OPTIONS / Options of A and B   the options of commands A and B
//
// The tests below read the CLI (app.go) and the man page and require both
// to list exactly the same names there, in both directions.

// manPath is the man page, relative to this package.
const manPath = "../../man/vserverx.8"

// Section and subsection titles the sync test relies on.
const (
	manSecCommands    = "COMMANDS"
	manSecInternal    = "INTERNAL COMMANDS"
	manSecOptions     = "OPTIONS"
	manSecConfig      = "CONFIGURATION"
	manSecMAC         = "MAC ADDRESSES"
	manSubGuest       = "Guest commands"
	manSubHost        = "Host commands"
	manSubGlobal      = "Global options"
	manSubOptionsOf   = "Options of "
	manSubGuestFiles  = "Files of a guest (util-vserver's)"
	manSubNSDef       = "Namespace definition"
	manSubIfaceFiles  = "Interface files"
	manGuestPlacehold = "NAME"
)

// manRequiredSections are the headings the issue asks for, plus the
// internal commands and the environment.
var manRequiredSections = []string{"NAME", "SYNOPSIS", "DESCRIPTION", manSecCommands, manSecInternal, manSecOptions,
	manSecConfig, manSecMAC, "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"}

// ---- the CLI side ----

// manCLICmd is one command of the CLI as the man page must show it.
type manCLICmd struct {
	Names  []string // name and aliases
	Hidden bool
	Guest  bool     // NAME COMMAND rather than a host command
	Flags  []string // --long and -s names, without --help/-h
}

// manCLIModel is everything the man page must document.
type manCLIModel struct {
	Global   []string // global option names (--confdir, -v, --help, --version, ...)
	Commands []manCLICmd
}

// manReadCLI builds the model from the real CLI: the top-level app after
// urfave/cli's Setup (which adds the help command, --help and --version)
// and the guest commands of a placeholder guest.
func manReadCLI() manCLIModel {
	a := &app{stdout: io.Discard, stderr: io.Discard}
	top := a.cliApp()
	top.Setup()
	m := manCLIModel{Global: manFlagNames(top.Flags, false)}
	for _, c := range top.Commands {
		m.Commands = append(m.Commands, manCLICommand(c, false))
	}
	for _, c := range a.guestCommands(manGuestPlacehold) {
		m.Commands = append(m.Commands, manCLICommand(c, true))
	}
	return m
}

func manCLICommand(c *cli.Command, guest bool) manCLICmd {
	return manCLICmd{Names: c.Names(), Hidden: c.Hidden, Guest: guest, Flags: manFlagNames(c.Flags, true)}
}

// manFlagNames renders the names of flags as they are typed: "--name" or "-n".
// With skipHelp the help flag, which every command has, is left out.
func manFlagNames(flags []cli.Flag, skipHelp bool) []string {
	var out []string
	for _, f := range flags {
		if skipHelp && cli.HelpFlag != nil && slices.Equal(f.Names(), cli.HelpFlag.Names()) {
			continue
		}
		for _, n := range f.Names() {
			out = append(out, manOptionName(n))
		}
	}
	return out
}

func manOptionName(n string) string {
	if len(n) == 1 {
		return "-" + n
	}
	return "--" + n
}

// ---- the man page side ----

// manItem is one .TP item: where it is, its tag and its body as plain text.
type manItem struct {
	Section, Sub string
	Tag, Body    string
	Line         int // line number of the tag in the source
}

// manText is one line of running text (for searching a section).
type manText struct {
	Section, Sub, Text string
}

// manPage is the parsed man page.
type manPage struct {
	Sections    []string // .SH titles in order
	Subsections []string // .SS titles in order
	Items       []manItem
	Text        []manText
}

// manLoad reads and parses the man page.
func manLoad(t *testing.T) (string, manPage) {
	t.Helper()
	src, err := os.ReadFile(manPath)
	if err != nil {
		t.Fatalf("reading the man page: %v", err)
	}
	return string(src), manParse(string(src))
}

// manParse reads the man(7) source: section and subsection titles, the
// .TP items at the outer level (not inside .RS/.RE) and all running text.
func manParse(src string) manPage {
	var p manPage
	var sec, sub string
	depth := 0
	var cur *manItem // item whose body is being read
	wantTag := false
	flush := func() {
		if cur != nil {
			cur.Body = strings.TrimSpace(cur.Body)
			p.Items = append(p.Items, *cur)
			cur = nil
		}
	}
	for i, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, `.\"`) || strings.HasPrefix(line, `'\"`) {
			continue
		}
		name, args := manSplitMacro(line)
		text := manPlainLine(name, args, line)
		if wantTag {
			wantTag = false
			cur = &manItem{Section: sec, Sub: sub, Tag: text, Line: i + 1}
			p.Text = append(p.Text, manText{sec, sub, text})
			continue
		}
		switch name {
		case "SH":
			flush()
			sec, sub, depth = text, "", 0
			p.Sections = append(p.Sections, text)
			continue
		case "SS":
			flush()
			sub, depth = text, 0
			p.Subsections = append(p.Subsections, text)
			continue
		case "RS":
			depth++
		case "RE":
			depth--
		case "TP":
			if depth == 0 {
				flush()
				wantTag = true
				continue
			}
		case "PP", "P", "LP":
			if depth == 0 {
				flush()
			}
		}
		if text == "" {
			continue
		}
		p.Text = append(p.Text, manText{sec, sub, text})
		if cur != nil {
			cur.Body += " " + text
		}
	}
	flush()
	return p
}

// manSplitMacro returns the macro name of a request line (".B x" gives "B")
// and its arguments; name is "" for a text line.
func manSplitMacro(line string) (name string, args []string) {
	if !strings.HasPrefix(line, ".") {
		return "", nil
	}
	rest := strings.TrimLeft(line[1:], " \t")
	name, rest, _ = strings.Cut(rest, " ")
	return name, manRoffArgs(rest)
}

// manRoffArgs splits macro arguments: blank-separated, "double quoted" ones
// may hold blanks, "" inside quotes is a quote.
func manRoffArgs(s string) []string {
	var args []string
	for s = strings.TrimLeft(s, " \t"); s != ""; s = strings.TrimLeft(s, " \t") {
		if s[0] != '"' {
			arg, rest, _ := strings.Cut(s, " ")
			args, s = append(args, arg), rest
			continue
		}
		var b strings.Builder
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			b.WriteByte(s[i])
		}
		args, s = append(args, b.String()), s[min(i+1, len(s)):]
	}
	return args
}

// manPlainLine is the text a line shows: the arguments of font macros (the
// alternating ones joined without blanks, as troff does), section titles,
// or the line itself, with escapes resolved. Other requests show nothing.
func manPlainLine(name string, args []string, line string) string {
	switch name {
	case "":
		return manUnescape(line)
	case "BR", "BI", "IB", "IR", "RB", "RI":
		return manUnescape(strings.Join(args, ""))
	case "B", "I", "SM", "SB", "SH", "SS":
		return manUnescape(strings.Join(args, " "))
	}
	return ""
}

// manFontEscape matches \fB, \fI, \fR, \fP, \f(XX and \f[...].
var manFontEscape = regexp.MustCompile(`\\f(\(..|\[[^]]*\]|.)`)

// manUnescape resolves the escapes the man page uses.
func manUnescape(s string) string {
	s = manFontEscape.ReplaceAllString(s, "")
	r := strings.NewReplacer(`\-`, "-", `\&`, "", `\%`, "", `\e`, `\`, `\(en`, "–", `\(em`, "—",
		`\(bu`, "•", `\ `, " ", `\(aq`, "'")
	return strings.TrimSpace(r.Replace(s))
}

// ---- what an item documents ----

var (
	manCommandWord = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	manOptionWord  = regexp.MustCompile(`^--?[A-Za-z0-9][A-Za-z0-9-]*$`)
)

// manItemCommands returns the command names an item's tag documents: the
// leading words, separated by commas ("help, h [COMMAND]" gives help and h).
func manItemCommands(tag string) []string {
	var names []string
	for _, tok := range strings.Fields(tag) {
		name := strings.TrimSuffix(tok, ",")
		if !manCommandWord.MatchString(name) {
			break
		}
		names = append(names, name)
		if !strings.HasSuffix(tok, ",") {
			break
		}
	}
	return names
}

// manItemOptions returns the option names an item's tag documents
// ("--jobs N, -j N" gives --jobs and -j).
func manItemOptions(tag string) []string {
	var names []string
	for _, tok := range strings.Fields(tag) {
		if name := strings.TrimSuffix(tok, ","); manOptionWord.MatchString(name) {
			names = append(names, name)
		}
	}
	return names
}

// manOptionsOf returns the commands an OPTIONS subsection title names:
// "Options of start-all and stop-all" gives start-all and stop-all.
func manOptionsOf(sub string) ([]string, bool) {
	rest, ok := strings.CutPrefix(sub, manSubOptionsOf)
	if !ok {
		return nil, false
	}
	var names []string
	for _, n := range regexp.MustCompile(`,\s*|\s+and\s+`).Split(rest, -1) {
		if !manCommandWord.MatchString(n) {
			return nil, false
		}
		names = append(names, n)
	}
	return names, true
}

// ---- the comparison ----

// manDocumented is where the man page documents a name: "line N".
type manDocumented map[string]string

func (d manDocumented) add(names []string, it manItem) {
	for _, n := range names {
		if _, dup := d[n]; !dup {
			d[n] = fmt.Sprintf("line %d", it.Line)
		}
	}
}

// manModel is what the man page documents, by place.
type manModel struct {
	guest, host, internal, global manDocumented
	options                       map[string]manDocumented // per command
	problems                      []string                 // items in no known place
}

// manReadModel sorts the man page's items into their places.
func manReadModel(p manPage) manModel {
	m := manModel{guest: manDocumented{}, host: manDocumented{}, internal: manDocumented{}, global: manDocumented{},
		options: map[string]manDocumented{}}
	for _, it := range p.Items {
		m.place(it)
	}
	return m
}

// place records what one item documents, or a problem when it is in a
// command or option section but documents nothing there.
func (m *manModel) place(it manItem) {
	where := fmt.Sprintf("man page line %d (%s / %s, item %q)", it.Line, it.Section, it.Sub, it.Tag)
	switch it.Section {
	case manSecCommands, manSecInternal:
		names := manItemCommands(it.Tag)
		target := map[string]manDocumented{manSubGuest: m.guest, manSubHost: m.host}[it.Sub]
		if it.Section == manSecInternal {
			target = m.internal
		}
		switch {
		case target == nil:
			m.problems = append(m.problems, where+": a command item outside the subsections "+manSubGuest+" and "+manSubHost)
		case len(names) == 0:
			m.problems = append(m.problems, where+": the item names no command")
		default:
			target.add(names, it)
		}
	case manSecOptions:
		m.placeOption(it, where)
	}
}

func (m *manModel) placeOption(it manItem, where string) {
	names := manItemOptions(it.Tag)
	if len(names) == 0 {
		m.problems = append(m.problems, where+": the item names no option")
		return
	}
	if it.Sub == manSubGlobal {
		m.global.add(names, it)
		return
	}
	cmds, ok := manOptionsOf(it.Sub)
	if !ok {
		m.problems = append(m.problems, where+": an option item outside "+manSubGlobal+" and \""+manSubOptionsOf+"COMMAND[, COMMAND]... [and COMMAND]\"")
		return
	}
	for _, c := range cmds {
		if m.options[c] == nil {
			m.options[c] = manDocumented{}
		}
		m.options[c].add(names, it)
	}
}

// manCompare returns every difference between the CLI and the man page.
func manCompare(c manCLIModel, p manPage) []string {
	m := manReadModel(p)
	problems := append([]string(nil), m.problems...)
	want := map[string][]string{}
	wantOpts := map[string][]string{}
	for _, cmd := range c.Commands {
		place := manSubHost
		switch {
		case cmd.Hidden:
			place = manSecInternal
		case cmd.Guest:
			place = manSubGuest
		}
		want[place] = append(want[place], cmd.Names...)
		if len(cmd.Flags) > 0 {
			wantOpts[cmd.Names[0]] = cmd.Flags
		}
	}
	problems = append(problems, manDiff("guest command", manSecCommands+" / "+manSubGuest, want[manSubGuest], m.guest)...)
	problems = append(problems, manDiff("host command", manSecCommands+" / "+manSubHost, want[manSubHost], m.host)...)
	problems = append(problems, manDiff("hidden command", manSecInternal, want[manSecInternal], m.internal)...)
	problems = append(problems, manDiff("global option", manSecOptions+" / "+manSubGlobal, c.Global, m.global)...)
	cmds := map[string]bool{}
	for cmd := range wantOpts {
		cmds[cmd] = true
	}
	for cmd := range m.options {
		cmds[cmd] = true
	}
	for _, cmd := range manSortedSet(cmds) {
		what := "option of " + cmd
		problems = append(problems, manDiff(what, manSecOptions+" / "+manSubOptionsOf+cmd, wantOpts[cmd], m.options[cmd])...)
	}
	return problems
}

// manDiff compares the names the CLI has with those the man page documents
// in one place, both ways.
func manDiff(what, place string, cliNames []string, man manDocumented) []string {
	var problems []string
	inCLI := map[string]bool{}
	for _, n := range cliNames {
		inCLI[n] = true
		if _, ok := man[n]; !ok {
			problems = append(problems, fmt.Sprintf("the CLI has %s %q, but the man page has no .TP item for it in %s", what, n, place))
		}
	}
	for _, n := range manSortedKeys(man) {
		if !inCLI[n] {
			problems = append(problems, fmt.Sprintf("the man page documents %s %q (%s, %s), but the CLI has none", what, n, place, man[n]))
		}
	}
	return problems
}

func manSortedKeys(m manDocumented) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func manSortedSet(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ---- the tests ----

// TestManDocumentsEveryCommandAndOption is the sync test: every command
// (visible, hidden, host, guest, with aliases), every global option and
// every command option of the CLI is a .TP item in its place in the man
// page, and every such item exists in the CLI.
func TestManDocumentsEveryCommandAndOption(t *testing.T) {
	_, p := manLoad(t)
	c := manReadCLI()
	if len(c.Commands) == 0 || len(c.Global) == 0 {
		t.Fatalf("read no commands or options from the CLI: %+v", c)
	}
	for _, problem := range manCompare(c, p) {
		t.Error(problem)
	}
}

// TestManSyncCatchesDrift proves the sync test can fail: an undocumented
// flag, global option or command added to the CLI, and an item removed
// from or added to the man page, are each reported.
func TestManSyncCatchesDrift(t *testing.T) {
	src, _ := manLoad(t)
	cases := []struct {
		name   string
		cli    func(*manCLIModel)
		man    func(string) string
		expect string
	}{
		{name: "new flag of list", cli: func(c *manCLIModel) { manAddFlag(c, "list", "--frobnicate") }, expect: `option of list "--frobnicate"`},
		{name: "new alias of a flag", cli: func(c *manCLIModel) { manAddFlag(c, "status", "-J") }, expect: `option of status "-J"`},
		{name: "new global option", cli: func(c *manCLIModel) { c.Global = append(c.Global, "--frob") }, expect: `global option "--frob"`},
		{name: "new guest command", cli: func(c *manCLIModel) {
			c.Commands = append(c.Commands, manCLICmd{Names: []string{"frob"}, Guest: true})
		}, expect: `guest command "frob"`},
		{name: "command hidden", cli: func(c *manCLIModel) { manSetHidden(c, "check") }, expect: `hidden command "check"`},
		{name: "new host command alias", cli: func(c *manCLIModel) { manAddAlias(c, "list", "ls") }, expect: `host command "ls"`},
		{name: "dry-run removed from the man page", man: func(s string) string {
			return manRemoveItem(t, s, `\fB\-\-dry\-run\fR`)
		}, expect: `option of apply "--dry-run"`},
		{name: "teardown removed from the man page", man: func(s string) string {
			return manRemoveItem(t, s, `\fBteardown\fR`)
		}, expect: `hidden command "teardown"`},
		{name: "option unknown to the CLI", man: func(s string) string {
			return strings.Replace(s, ".SS Options of status\n", ".SS Options of status\n.TP\n.B \\-\\-bogus\nNot an option.\n", 1)
		}, expect: `documents option of status "--bogus"`},
		{name: "command unknown to the CLI", man: func(s string) string {
			return strings.Replace(s, ".SS Host commands\n", ".SS Host commands\n.TP\n.B frob\nNot a command.\n", 1)
		}, expect: `documents host command "frob"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, s := manReadCLI(), src
			if tc.cli != nil {
				tc.cli(&c)
			}
			if tc.man != nil {
				s = tc.man(s)
			}
			problems := manCompare(c, manParse(s))
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.expect) }) {
				t.Errorf("expected a problem mentioning %s, got %q", tc.expect, problems)
			}
		})
	}
}

func manAddFlag(c *manCLIModel, cmd, flag string) {
	for i := range c.Commands {
		if c.Commands[i].Names[0] == cmd {
			c.Commands[i].Flags = append(c.Commands[i].Flags, flag)
		}
	}
}

func manAddAlias(c *manCLIModel, cmd, alias string) {
	for i := range c.Commands {
		if c.Commands[i].Names[0] == cmd {
			c.Commands[i].Names = append(c.Commands[i].Names, alias)
		}
	}
}

func manSetHidden(c *manCLIModel, cmd string) {
	for i := range c.Commands {
		if c.Commands[i].Names[0] == cmd {
			c.Commands[i].Hidden = true
		}
	}
}

// manRemoveItem deletes the .TP item whose tag line is tag from the source,
// up to the next item or heading.
func manRemoveItem(t *testing.T, src, tag string) string {
	t.Helper()
	start := strings.Index(src, ".TP\n"+tag+"\n")
	if start < 0 {
		t.Fatalf("the man page has no item %q", tag)
	}
	body := start + len(".TP\n"+tag+"\n")
	end := len(src)
	for _, next := range []string{"\n.TP\n", "\n.SS ", "\n.SH "} {
		if i := strings.Index(src[body:], next); i >= 0 {
			end = min(end, body+i+1)
		}
	}
	return src[:start] + src[end:]
}

// TestManParser checks the reading of tags, in particular the alternating
// font macros that join their arguments without blanks.
func TestManParser(t *testing.T) {
	p := manParse(".SH OPTIONS\n.SS Global options\n.TP\n.BR \\-v \", \" \\-\\-verbose\nSay more.\n" +
		".TP\n.BI \\-\\-jobs \" N\\fR, \" \\-j \" N\"\nJobs.\n.RS\n.TP\n.B \\-\\-nested\n.RE\n" +
		".SH COMMANDS\n.SS Host commands\n.TP\n.BR help \", \" h \" [\\fICOMMAND\\fR]\"\nHelp.\n")
	var tags []string
	for _, it := range p.Items {
		tags = append(tags, it.Sub+": "+it.Tag)
	}
	want := []string{"Global options: -v, --verbose", "Global options: --jobs N, -j N", "Host commands: help, h [COMMAND]"}
	if !slices.Equal(tags, want) {
		t.Fatalf("items %q, want %q", tags, want)
	}
	if got := manItemOptions(p.Items[1].Tag); !slices.Equal(got, []string{"--jobs", "-j"}) {
		t.Errorf("options of %q: %q", p.Items[1].Tag, got)
	}
	if got := manItemCommands(p.Items[2].Tag); !slices.Equal(got, []string{"help", "h"}) {
		t.Errorf("commands of %q: %q", p.Items[2].Tag, got)
	}
	if got, ok := manOptionsOf("Options of start-all, stop-all and status-all"); !ok || !slices.Equal(got, []string{"start-all", "stop-all", "status-all"}) {
		t.Errorf("manOptionsOf: %q %v", got, ok)
	}
}

// TestManOptionDefaults: the documented default of each global option is
// the one the CLI uses.
func TestManOptionDefaults(t *testing.T) {
	_, p := manLoad(t)
	defaults := map[string]string{"--confdir": config.DefaultConfDir, "--vserver": config.DefaultVserver}
	for _, f := range globalFlags() {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Value != "" {
			defaults[manOptionName(sf.Name)] = sf.Value
		}
	}
	for opt, def := range defaults {
		it, ok := manFindItem(p, manSecOptions, manSubGlobal, func(it manItem) bool { return slices.Contains(manItemOptions(it.Tag), opt) })
		if !ok {
			t.Errorf("no item for %s", opt)
			continue
		}
		if !strings.Contains(it.Body, def) {
			t.Errorf("man page line %d: %s defaults to %s, but its item says %q", it.Line, opt, def, it.Body)
		}
	}
}

func manFindItem(p manPage, sec, sub string, match func(manItem) bool) (manItem, bool) {
	for _, it := range p.Items {
		if it.Section == sec && it.Sub == sub && match(it) {
			return it, true
		}
	}
	return manItem{}, false
}

// TestManConfigurationFiles: CONFIGURATION has an item for every file of a
// namespace definition and of an interface that config accepts, and for
// every guest file config reads; no item names a file config does not
// know; every link type and macvlan mode is named.
func TestManConfigurationFiles(t *testing.T) {
	_, p := manLoad(t)
	guestFiles := []string{config.GuestContext, config.GuestSpacesNet, config.GuestCleanupSkip, config.GuestMark,
		config.GuestDepends, config.GuestDisabled, config.GuestVdir, config.GuestUtilNetns, config.GuestInterfaces, config.GuestNContext}
	manCheckKeys(t, p, manSubGuestFiles, guestFiles, func(tag string) []string {
		var keys []string
		for _, f := range strings.Split(tag, ", ") {
			keys = append(keys, strings.TrimSuffix(f, "/"))
		}
		return keys
	}, []string{"scripts/initialize", "scripts/initialize.d"})
	manCheckKeys(t, p, manSubNSDef, config.NamespaceKeys, func(tag string) []string {
		first, _, _ := strings.Cut(tag, "/")
		return []string{first}
	}, nil)
	manCheckKeys(t, p, manSubIfaceFiles, config.InterfaceKeys, func(tag string) []string {
		key, ok := strings.CutPrefix(tag, "interfaces/N/")
		if !ok {
			return []string{tag}
		}
		return []string{key}
	}, nil)
	typeItem, _ := manFindItem(p, manSecConfig, manSubIfaceFiles, func(it manItem) bool { return it.Tag == "interfaces/N/type" })
	for _, lt := range config.LinkTypes {
		if !manContainsWord(typeItem.Body, string(lt)) {
			t.Errorf("interfaces/N/type does not name type %s: %q", lt, typeItem.Body)
		}
	}
	modeItem, _ := manFindItem(p, manSecConfig, manSubIfaceFiles, func(it manItem) bool { return it.Tag == "interfaces/N/mode" })
	for _, mode := range config.MacvlanModes {
		if !manContainsWord(modeItem.Body, string(mode)) {
			t.Errorf("interfaces/N/mode does not name mode %s: %q", mode, modeItem.Body)
		}
	}
}

// manCheckKeys compares the keys the items of one CONFIGURATION subsection
// document (keysOf a tag) with want; extra lists keys documented there
// that are read elsewhere.
func manCheckKeys(t *testing.T, p manPage, sub string, want []string, keysOf func(string) []string, extra []string) {
	t.Helper()
	got := map[string]bool{}
	for _, it := range p.Items {
		if it.Section == manSecConfig && it.Sub == sub {
			for _, k := range keysOf(it.Tag) {
				got[k] = true
			}
		}
	}
	for _, k := range want {
		if !got[k] {
			t.Errorf("%s / %s has no item for %s", manSecConfig, sub, k)
		}
	}
	for k := range got {
		if !slices.Contains(want, k) && !slices.Contains(extra, k) {
			t.Errorf("%s / %s documents %s, which config does not know", manSecConfig, sub, k)
		}
	}
}

func manContainsWord(text, word string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(word) + `\b`).MatchString(text)
}

// TestManMACExamples: the MAC addresses the man page gives as examples
// are the ones config generates.
func TestManMACExamples(t *testing.T) {
	_, p := manLoad(t)
	var text strings.Builder
	for _, l := range p.Text {
		if l.Section == manSecMAC {
			text.WriteString(l.Text + " ")
		}
	}
	vlan2 := config.GenerateMAC(2, 42, 0)
	veth := config.GenerateMAC(0, 200, 0)
	for _, mac := range []string{vlan2.String(), veth.String(), config.HostSideMAC(veth).String()} {
		if !strings.Contains(text.String(), mac) {
			t.Errorf("%s does not give %s", manSecMAC, mac)
		}
	}
}

// TestManLint requires `groff -man -ww -z` and, when installed,
// `mandoc -T lint` to print nothing.
func TestManLint(t *testing.T) {
	ran := 0
	for _, argv := range [][]string{{"groff", "-man", "-ww", "-z", manPath}, {"mandoc", "-T", "lint", manPath}} {
		if _, err := exec.LookPath(argv[0]); err != nil {
			continue
		}
		ran++
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
	if ran == 0 {
		t.Skip("neither groff nor mandoc is installed")
	}
}

// manOverstrike matches a character printed over by another (x BACKSPACE y).
var manOverstrike = regexp.MustCompile(".\b")

// TestManRenders renders the page as man(1) would and requires every
// section and subsection heading to appear as a line of the output, and
// every section the issue asks for to exist.
func TestManRenders(t *testing.T) {
	_, p := manLoad(t)
	for _, sec := range manRequiredSections {
		if !slices.Contains(p.Sections, sec) {
			t.Errorf("the man page has no section %s", sec)
		}
	}
	out := manRender(t)
	lines := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, h := range append(append([]string(nil), p.Sections...), p.Subsections...) {
		if !lines[h] {
			t.Errorf("the rendered page has no heading line %q", h)
		}
	}
}

// manRender renders the man page as plain text with groff, else mandoc.
func manRender(t *testing.T) string {
	t.Helper()
	var cmd *exec.Cmd
	switch {
	case manHasTool("groff"):
		cmd = exec.Command("groff", "-man", "-Tutf8", "-P-cbou", manPath)
	case manHasTool("mandoc"):
		cmd = exec.Command("mandoc", "-T", "utf8", manPath)
	default:
		t.Skip("neither groff nor mandoc is installed")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	return manOverstrike.ReplaceAllString(string(out), "")
}

func manHasTool(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}
