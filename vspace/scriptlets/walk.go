// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"fmt"
	"path"
	"strings"
)

// Command is one simple command of a scriptlet, as a run of the file for
// one phase reaches it.
type Command struct {
	File  string
	Line  int
	Raw   string // as written
	Words []Word // the command's words, redirections left out
	// Cond is "" when the command runs whenever util-vserver runs the file
	// for the phase, else why that is not certain ("inside the if at line
	// 3, whose condition ... cannot be decided from the scriptlet").
	Cond    string
	Class   Class
	NS      string // the namespace of NamespaceCreate/Delete, LinkIntoNamespace, NftInNamespace, ExecInNamespace, or an IP in netns exec
	Inner   []Word // ip netns exec X: the command run inside X
	HereDoc bool   // it has a here document, whose text was read as commands
	// InCondition says the command is part of the condition of an if or
	// a loop: it runs to decide, its exit status chooses what runs next.
	InCondition bool
}

// Script is a parsed scriptlet.
type Script struct {
	file string
	root *node
	exps []expansion
}

// Parse reads a scriptlet as shell, in time linear in its size. An
// unterminated quote, an unbalanced compound or a malformed function is
// an *Error naming the line.
func Parse(file string, src []byte) (*Script, error) {
	segs, exps, err := scan(file, string(src))
	if err != nil {
		return nil, err
	}
	root, err := parseTree(file, segs)
	if err != nil {
		return nil, err
	}
	return &Script{file: file, root: root, exps: exps}, nil
}

// maxCallDepth bounds nested function calls (and so recursion).
const maxCallDepth = 8

// flow is how a run of nodes ended.
type flow int

const (
	flowOn     flow = iota // on to the next node
	flowExit               // exit: the file ends
	flowReturn             // return: the function (or sourced file) ends
)

var flowName = map[flow]string{flowExit: "exit", flowReturn: "return"}

// walker runs a script in the head for one phase.
type walker struct {
	s       *Script
	sc      *scope
	funcs   map[string]*node
	called  map[string]bool
	visit   func(*Command) error
	cond    string // why the current node is not certain to run ("" certain)
	decided int    // > 0: inside a branch chosen by a condition decided from the scriptlet
	depth   int
	inCond  bool // passing the commands of a condition

	endLine    int    // the line of the last exit or return that ended a run
	endDecided bool   // it was reached through a decided condition
	afterExit  string // an exit that may run was passed: why the rest of the file may not run
	afterRet   string // a return that may run was passed: why the rest of the function may not run
}

// Walk runs the scriptlet in the head as util-vserver runs it for phase
// and guest ($1 and $2): each simple command is passed to visit in the
// order the file would run it, with its words expanded as far as the
// scriptlet's own assignments and util-vserver's known variables allow.
// A condition the scriptlet decides itself (a test of $1, $2 or a
// constant; true, false; a case on such a word) runs only the branch it
// chooses; every other command is passed with Cond saying why it may not
// run: inside an undecided if or case, inside a loop, on a side of && or
// ||, after an exit or return, inside a function never called. Nothing
// after a decided exit is passed. An error of visit ends the walk.
func (s *Script) Walk(phase, guest string, visit func(*Command) error) error {
	w := &walker{s: s, funcs: map[string]*node{}, called: map[string]bool{}, visit: visit,
		sc: &scope{exps: s.exps, args: []Word{{S: phase, Text: "$1"}, {S: guest, Text: "$2"}}, guest: guest, vars: map[string]Word{}}}
	if _, err := w.runTop(s.root.kids, "scriptlet"); err != nil {
		return err
	}
	return w.uncalled()
}

// uncalled passes the commands of functions the scriptlet never calls
// (a call in a branch of another phase, or in a command substitution, is
// a call).
func (w *walker) uncalled() error {
	var calls map[string]bool
	for _, n := range w.s.root.kids {
		if n.kw != "function" || w.called[n.name] {
			continue
		}
		if calls == nil {
			calls = map[string]bool{}
			commandWords(w.s.root, calls)
		}
		if calls[n.name] || w.substitutes(n.name) {
			continue
		}
		w.called[n.name] = true
		why := fmt.Sprintf("in function %s (line %d), which the scriptlet never calls", n.name, n.line)
		if err := w.uncertain(why, func() error { _, err := w.runTop(n.kids, "function"); return err }); err != nil {
			return err
		}
	}
	return nil
}

// commandWords adds the first word of every command under n, in any
// branch, to words.
func commandWords(n *node, words map[string]bool) {
	if n.kw == "" && len(n.words) > 0 {
		words[n.words[0]] = true
	}
	for _, k := range n.cond {
		commandWords(k, words)
	}
	for _, k := range n.kids {
		commandWords(k, words)
	}
}

// substitutes reports whether a command substitution of the scriptlet
// calls function name: the function's output is then a computed word, and
// its body is not followed.
func (w *walker) substitutes(name string) bool {
	for _, x := range w.s.exps {
		if x.kind != expCommand {
			continue
		}
		body := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(x.text, "$("), "`"), " \t")
		if body == name || strings.HasPrefix(body, name+" ") || strings.HasPrefix(body, name+")") {
			return true
		}
	}
	return false
}

// runTop runs the nodes of a file or function body (what): after an exit
// or return that is always reached, not by a decided condition, the rest
// is passed as never reached.
func (w *walker) runTop(ns []*node, what string) (flow, error) {
	for i := 0; i < len(ns); i++ {
		f, end, err := w.list(ns, i)
		switch {
		case err != nil:
			return f, err
		case f != flowOn && !w.endDecided:
			why := fmt.Sprintf("after the %s at line %d, which always ends the %s before", flowName[f], w.endLine, what)
			return f, w.uncertain(why, func() error { _, err := w.runAll(ns[end+1:]); return err })
		case f != flowOn:
			return f, nil
		}
		i = end
	}
	return flowOn, nil
}

// runAll runs nodes in order until an exit or return.
func (w *walker) runAll(ns []*node) (flow, error) {
	for i := 0; i < len(ns); i++ {
		f, end, err := w.list(ns, i)
		if err != nil || f != flowOn {
			return f, err
		}
		i = end
	}
	return flowOn, nil
}

// uncertain runs f with why as the reason its commands may not run (an
// outer reason stays).
func (w *walker) uncertain(why string, f func() error) error {
	saved := w.cond
	if w.cond == "" {
		w.cond = why
	}
	defer func() { w.cond = saved }()
	return f()
}

// list runs the and-or list that starts at ns[i] (ns[i] && ns[i+1] || ...)
// and returns the index of its last node. A list whose first node is a
// condition decided from the scriptlet runs what that decides; `X || true`
// is X; in any other list every part may not run.
func (w *walker) list(ns []*node, i int) (flow, int, error) {
	end := i
	for end+1 < len(ns) && (ns[end+1].conn == "&&" || ns[end+1].conn == "||") {
		end++
	}
	if end == i {
		f, err := w.run(ns[i])
		return f, end, err
	}
	if end == i+1 && isNoop(ns[end]) && ns[end].conn == "||" {
		f, err := w.run(ns[i])
		return f, end, err
	}
	if ok, decided := w.decide([]*node{ns[i]}); decided && end == i+1 {
		if ok == (ns[end].conn == "&&") {
			f, err := w.chosen(func() (flow, error) { return w.run(ns[end]) })
			return f, end, err
		}
		return flowOn, end, nil
	}
	why := fmt.Sprintf("on a side of && or || at line %d, whose outcome cannot be decided from the scriptlet", ns[i].line)
	err := w.uncertain(why, func() error {
		for _, n := range ns[i : end+1] {
			if _, err := w.run(n); err != nil {
				return err
			}
		}
		return nil
	})
	return flowOn, end, err
}

// chosen runs f inside a branch chosen by a decided condition.
func (w *walker) chosen(f func() (flow, error)) (flow, error) {
	w.decided++
	defer func() { w.decided-- }()
	return f()
}

// isNoop reports whether n is the command true or :.
func isNoop(n *node) bool {
	return n.kw == "" && len(n.words) == 1 && (n.words[0] == "true" || n.words[0] == ":")
}

// run runs one node.
func (w *walker) run(n *node) (flow, error) {
	switch n.kw {
	case "":
		return w.command(n)
	case "function":
		w.funcs[n.name] = n
		return flowOn, nil
	case "label":
		return flowOn, nil
	case "{":
		return w.runAll(n.kids)
	}
	if n.vspace {
		return flowOn, w.emit(&Command{File: w.s.file, Line: n.line, Raw: n.raw, Class: VspaceWrite, Cond: w.cond})
	}
	switch n.kw {
	case "if":
		return w.runIf(n)
	case "case":
		return w.runCase(n)
	}
	return flowOn, w.runLoop(n)
}

// runLoop passes a loop's commands as uncertain: how often it runs is not
// decided; its variables are not constants.
func (w *walker) runLoop(n *node) error {
	if f := strings.Fields(n.raw); n.kw == "for" && len(f) > 1 {
		w.sc.vars[f[1]] = Word{Why: fmt.Sprintf("$%s is a loop variable, not a constant", f[1])}
	}
	why := fmt.Sprintf("inside the %s loop at line %d, which may run its body any number of times", n.kw, n.line)
	return w.uncertain(why, func() error {
		if err := w.conditions(n.cond, why); err != nil {
			return err
		}
		_, err := w.runAll(n.kids)
		return err
	})
}

// conditions passes the commands of a condition.
func (w *walker) conditions(cond []*node, why string) error {
	saved := w.inCond
	w.inCond = true
	defer func() { w.inCond = saved }()
	return w.uncertain(why, func() error {
		_, err := w.runAll(cond)
		return err
	})
}

// runIf runs the branch of an if that decided conditions choose; at the
// first condition that cannot be decided, that branch and all later ones
// are passed as uncertain.
func (w *walker) runIf(n *node) (flow, error) {
	for bi, br := range n.kids {
		if br.name == "else" {
			return w.chosen(func() (flow, error) { return w.runAll(br.kids) })
		}
		ok, decided := w.decide(br.cond)
		if !decided {
			return flowOn, w.undecidedIf(n, n.kids[bi:])
		}
		if ok {
			return w.chosen(func() (flow, error) { return w.runAll(br.kids) })
		}
	}
	return flowOn, nil
}

// undecidedIf passes the conditions and bodies of the branches of n from
// the first that cannot be decided.
func (w *walker) undecidedIf(n *node, branches []*node) error {
	why := fmt.Sprintf("inside the if at line %d, whose condition %q cannot be decided from the scriptlet", n.line, condText(branches[0]))
	return w.uncertain(why, func() error {
		for _, br := range branches {
			if err := w.conditions(br.cond, why); err != nil {
				return err
			}
			if _, err := w.runAll(br.kids); err != nil {
				return err
			}
		}
		return nil
	})
}

func condText(br *node) string {
	var parts []string
	for _, c := range br.cond {
		parts = append(parts, c.raw)
	}
	return strings.Join(parts, "; ")
}

// runCase runs the first branch whose label matches the word, when the
// word is known; otherwise every branch is uncertain.
func (w *walker) runCase(n *node) (flow, error) {
	word := Word{Why: "no word"}
	if len(n.words) >= 3 && n.words[2] == "in" {
		word = w.sc.word(n.words[1])
	}
	if !word.Known() {
		why := fmt.Sprintf("inside the case at line %d on a word that cannot be decided from the scriptlet", n.line)
		return flowOn, w.uncertain(why, func() error { _, err := w.runAll(n.kids); return err })
	}
	for i, k := range n.kids {
		if k.kw == "label" && matchesLabel(k.raw, word.S) {
			return w.chosen(func() (flow, error) { return w.runAll(branchOf(n.kids[i+1:])) })
		}
	}
	return flowOn, nil
}

// branchOf returns the nodes of one case branch: up to the next label.
func branchOf(ns []*node) []*node {
	for i, k := range ns {
		if k.kw == "label" {
			return ns[:i]
		}
	}
	return ns
}

// decide decides a condition of one command from the scriptlet: true,
// false, :, and [ ], [[ ]] or test with -n, -z, =, ==, != on known words,
// each maybe negated with !.
func (w *walker) decide(cond []*node) (result, decided bool) {
	if len(cond) != 1 || cond[0].kw != "" {
		return false, false
	}
	words, _ := stripRedirects(cond[0].words)
	neg := false
	for len(words) > 0 && words[0] == "!" {
		neg, words = !neg, words[1:]
	}
	vals := make([]Word, len(words))
	for i, x := range words {
		if vals[i] = w.sc.word(x); !vals[i].Known() {
			return false, false
		}
	}
	r, ok := evalTest(vals)
	return r != neg, ok
}

// evalTest evaluates true, false, : or a test command on known words.
func evalTest(v []Word) (bool, bool) {
	if len(v) == 1 && (v[0].S == "true" || v[0].S == ":") {
		return true, true
	}
	if len(v) == 1 && v[0].S == "false" {
		return false, true
	}
	if len(v) == 0 {
		return false, false
	}
	args, glob := v[1:], v[0].S == "[["
	switch v[0].S {
	case "[", "[[":
		closer := map[bool]string{false: "]", true: "]]"}[glob]
		if len(args) == 0 || args[len(args)-1].S != closer {
			return false, false
		}
		args = args[:len(args)-1]
	case "test":
	default:
		return false, false
	}
	return evalOperands(args, glob)
}

// evalOperands evaluates the operands of a test.
func evalOperands(a []Word, glob bool) (bool, bool) {
	switch {
	case len(a) == 1:
		return a[0].S != "", true
	case len(a) == 2 && a[0].S == "-n":
		return a[1].S != "", true
	case len(a) == 2 && a[0].S == "-z":
		return a[1].S == "", true
	case len(a) == 3 && (a[1].S == "=" || a[1].S == "=="):
		return equal(a[0].S, a[2].S, glob), true
	case len(a) == 3 && a[1].S == "!=":
		return !equal(a[0].S, a[2].S, glob), true
	}
	return false, false
}

func equal(s, pattern string, glob bool) bool {
	if !glob {
		return s == pattern
	}
	ok, _ := path.Match(pattern, s)
	return ok
}
