// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/vserverx/vserverx/config"
)

// vspaceVar is util-vserver's array that old scriptlets rewrite; vserverx
// does that itself, so every line and loop touching it is skipped.
const vspaceVar = "VSPACE_SHARED_CMD"

// maxCallDepth bounds nested function calls (and so recursion).
const maxCallDepth = 8

// value is a word after expansion.
type value struct {
	s        string
	computed bool   // a command substitution or arithmetic made (part of) it
	why      string // not usable, and why (unset variable, complex expansion)
}

// evaluator runs the tree of one scriptlet in the head: it keeps the
// file's variables and functions and feeds ip commands to the netState
// shared by all scriptlets of the guest.
type evaluator struct {
	guest string
	phase string // the phase util-vserver runs the file for ($1)
	file  string
	exps  []expansion
	vars  map[string]value
	funcs map[string]*node
	net   *netState
	depth int
}

func (e *evaluator) at(n *node) string { return e.file + ":" + strconv.Itoa(n.line) }

func (e *evaluator) refuse(n *node, format string, args ...any) error {
	return refuse(e.file, n.line, format, args...)
}

// run evaluates one node: commands are read, compounds entered (every
// branch of if and case is taken as run), functions only remembered, and a
// loop that touches VSPACE_SHARED_CMD skipped as a whole.
func (e *evaluator) run(n *node) error {
	switch n.kw {
	case "":
		return e.command(n)
	case "function":
		e.funcs[n.name] = n
		return nil
	case "label":
		return nil
	case "case":
		return e.runCase(n)
	case "while", "until", "for":
		if n.mentions(vspaceVar) {
			return nil
		}
		e.loopVariable(n)
	}
	return e.runAll(n.kids)
}

func (e *evaluator) runAll(ns []*node) error {
	for _, k := range ns {
		if err := e.run(k); err != nil {
			return err
		}
	}
	return nil
}

// runCase runs a case statement. On the phase ("case $1 in") only the
// branches whose label matches the phase run; on anything else every
// branch is taken as run.
func (e *evaluator) runCase(n *node) error {
	f := strings.Fields(n.raw)
	if len(f) < 2 || strings.Trim(f[1], `"`) != "$1" && strings.Trim(f[1], `"`) != "${1}" {
		return e.runAll(n.kids)
	}
	on := false
	for _, k := range n.kids {
		if k.kw == "label" {
			on = matchesLabel(k.raw, e.phase)
			continue
		}
		if on {
			if err := e.run(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// matchesLabel reports whether a case label like (pre-start) or
// post-stop|postpost-stop) matches phase.
func matchesLabel(label, phase string) bool {
	label = strings.TrimSuffix(strings.TrimPrefix(label, "("), ")")
	for _, pat := range strings.Split(label, "|") {
		if ok, _ := path.Match(strings.Trim(pat, `"'`), phase); ok {
			return true
		}
	}
	return false
}

// loopVariable marks the variable of "for NAME in ..." as not constant.
func (e *evaluator) loopVariable(n *node) {
	if f := strings.Fields(n.raw); n.kw == "for" && len(f) > 1 && config.IsShellName(f[1]) {
		e.vars[f[1]] = value{why: fmt.Sprintf("$%s is a loop variable, not a constant", f[1])}
	}
}

// skipped are commands that change nothing vserverx must know.
var skipped = map[string]bool{"return": true, "shift": true, "true": true, ":": true,
	"continue": true, "break": true, "[": true, "[[": true, "test": true}

// command evaluates one simple command.
func (e *evaluator) command(n *node) error {
	if strings.Contains(n.raw, vspaceVar) {
		return nil
	}
	words, err := e.stripRedirects(n)
	if err != nil || len(words) == 0 {
		return err
	}
	switch w := words[0]; {
	case isAssignment(w):
		return e.assignments(n, words)
	case w == "local" || w == "declare" || w == "typeset" || w == "export":
		return e.declare(n, words[1:])
	case w == "unset":
		for _, name := range words[1:] {
			e.vars[name] = value{why: fmt.Sprintf("$%s is unset", name)}
		}
		return nil
	case w == "exit":
		return e.exit(n, words)
	case skipped[w]:
		return nil
	case e.funcs[w] != nil:
		return e.call(n, e.funcs[w], words[1:])
	}
	prog := e.expand(words[0])
	if prog.why != "" {
		return e.refuse(n, "%s", prog.why)
	}
	if !prog.computed && isIPProgram(prog.s) {
		return e.ip(n, words[1:], "")
	}
	return e.refuse(n, "command %q is not understood; only ip commands and shell structure are", e.show(words[0]))
}

func isIPProgram(s string) bool { return s == "ip" || strings.HasSuffix(s, "/ip") }

var assignment = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\+?=`)
})

func isAssignment(w string) bool { return assignment().MatchString(w) }

// assignments records NAME=value words; a command after them is refused.
func (e *evaluator) assignments(n *node, words []string) error {
	for _, w := range words {
		if !isAssignment(w) {
			return e.refuse(n, "command %q with variable assignments in front is not understood", e.show(w))
		}
		e.assign(w)
	}
	return nil
}

func (e *evaluator) assign(w string) {
	name, val, _ := strings.Cut(w, "=")
	name = strings.TrimSuffix(name, "+")
	switch {
	case strings.HasPrefix(val, "("):
		e.vars[name] = value{why: fmt.Sprintf("$%s is an array", name)}
	case strings.HasSuffix(w[:len(name)+1], "+"):
		e.vars[name] = value{why: fmt.Sprintf("$%s is appended to", name)}
	default:
		e.vars[name] = e.expand(val)
	}
}

// declare handles local, declare, typeset and export: options are
// ignored, NAME=value assigns, a bare NAME is declared without a value.
func (e *evaluator) declare(n *node, words []string) error {
	for _, w := range words {
		switch {
		case strings.HasPrefix(w, "-"):
		case isAssignment(w):
			e.assign(w)
		case config.IsShellName(w):
			e.vars[w] = value{why: fmt.Sprintf("$%s is declared without a value", w)}
		default:
			return e.refuse(n, "%q is not understood", n.raw)
		}
	}
	return nil
}

// exit is understood as "exit" or "exit 0", and with any code on the
// failure path of ||.
func (e *evaluator) exit(n *node, words []string) error {
	if len(words) == 1 || words[1] == "0" || n.conn == "||" {
		return nil
	}
	return e.refuse(n, "%q ends the scriptlet with an error whenever it is reached; not understood", n.raw)
}

// call reads a function's body as if it stood at the call. Only calls
// without arguments or passing the scriptlet's own ("$@" or $1 $2) keep
// $2 the guest name, so only those are understood.
func (e *evaluator) call(n *node, fn *node, args []string) error {
	if !e.passesOwnArgs(args) {
		return e.refuse(n, "function %s is called with arguments %q; only calls without arguments or with \"$@\" are understood", fn.name, e.show(strings.Join(args, " ")))
	}
	if e.depth >= maxCallDepth {
		return e.refuse(n, "function calls nest deeper than %d", maxCallDepth)
	}
	e.depth++
	defer func() { e.depth-- }()
	return e.runAll(fn.kids)
}

func (e *evaluator) passesOwnArgs(args []string) bool {
	var names []string
	for _, a := range args {
		exp, ok := e.onlyExpansion(a)
		if !ok || exp.kind != expVar {
			return false
		}
		names = append(names, exp.text)
	}
	s := strings.Join(names, " ")
	return s == "" || s == "@" || s == "*" || s == "1 2"
}

// onlyExpansion returns the expansion a word consists of.
func (e *evaluator) onlyExpansion(w string) (expansion, bool) {
	if len(w) < 3 || w[0] != phOpen || w[len(w)-1] != phClose {
		return expansion{}, false
	}
	i, err := strconv.Atoi(w[1 : len(w)-1])
	if err != nil {
		return expansion{}, false
	}
	return e.exps[i], true
}

var redirect = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9]*(>>|>&|<&|&>|>|<)(.*)$`)
})

// stripRedirects drops redirections (2>/dev/null, > file, 2>&1); a here
// document is refused.
func (e *evaluator) stripRedirects(n *node) ([]string, error) {
	var out []string
	for i := 0; i < len(n.words); i++ {
		w := n.words[i]
		if strings.HasPrefix(strings.TrimLeft(w, "0123456789"), "<<") {
			return nil, e.refuse(n, "here documents are not understood")
		}
		m := redirect().FindStringSubmatch(w)
		if m == nil {
			out = append(out, w)
			continue
		}
		if m[2] == "" {
			i++ // the target is the next word
		}
	}
	return out, nil
}

// expand substitutes the placeholders of a word: $2, ${2} and
// $VSERVER_NAME are the guest name, other variables those assigned in the
// file; command substitutions and arithmetic make the value computed.
func (e *evaluator) expand(w string) value {
	var out strings.Builder
	v := value{}
	for w != "" {
		i := strings.IndexRune(w, phOpen)
		if i < 0 {
			out.WriteString(w)
			break
		}
		out.WriteString(w[:i])
		j := strings.IndexRune(w[i:], phClose) + i
		idx, _ := strconv.Atoi(w[i+1 : j])
		part := e.expandOne(e.exps[idx])
		if part.why != "" {
			return part
		}
		out.WriteString(part.s)
		v.computed = v.computed || part.computed
		w = w[j+1:]
	}
	v.s = out.String()
	return v
}

func (e *evaluator) expandOne(x expansion) value {
	switch x.kind {
	case expVar:
		return e.lookup(x.text)
	case expComplex:
		return value{why: fmt.Sprintf("the parameter expansion %s is not understood", x.text)}
	}
	return value{s: x.text, computed: true}
}

func (e *evaluator) lookup(name string) value {
	if name == "2" || name == "VSERVER_NAME" {
		return value{s: e.guest}
	}
	if v, ok := e.vars[name]; ok {
		return v
	}
	return value{why: fmt.Sprintf("variable $%s is not understood: it is not assigned in this file (only those, $2 and $VSERVER_NAME are)", name)}
}

// show returns a word as written, for messages.
func (e *evaluator) show(w string) string {
	for {
		i := strings.IndexRune(w, phOpen)
		if i < 0 {
			return w
		}
		j := strings.IndexRune(w[i:], phClose) + i
		idx, _ := strconv.Atoi(w[i+1 : j])
		x := e.exps[idx]
		text := x.text
		if x.kind == expVar {
			text = "${" + text + "}"
		}
		w = w[:i] + text + w[j+1:]
	}
}
