// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"fmt"
	"strings"
)

// emit passes c to visit, with the reason the current node may not run.
func (w *walker) emit(c *Command) error {
	c.InCondition = c.InCondition || w.inCond
	for _, why := range []string{w.cond, w.afterRet, w.afterExit} {
		if c.Cond == "" {
			c.Cond = why
		}
	}
	return w.visit(c)
}

// command runs one simple command: assignments are remembered (as not
// constant where the command may not run), functions called, exit and
// return end the run, and every command is passed to visit.
func (w *walker) command(n *node) (flow, error) {
	raw, hereDoc := stripRedirects(n.words)
	c := &Command{File: w.s.file, Line: n.line, Raw: n.raw, HereDoc: hereDoc}
	for _, x := range raw {
		c.Words = append(c.Words, w.sc.word(x))
	}
	c.classify()
	if len(raw) == 0 {
		return flowOn, w.emit(c)
	}
	if isAssignment(c.Words[0].Text) && c.Class == Shell {
		w.assignments(raw)
	}
	if fn := w.funcs[c.Words[0].S]; fn != nil && c.Words[0].Known() {
		return w.call(c, fn, raw[1:])
	}
	if err := w.emit(c); err != nil {
		return flowOn, err
	}
	return w.shellEffect(c, raw), nil
}

// shellEffect applies what the builtins local, declare, unset, exit and
// return do to the run.
func (w *walker) shellEffect(c *Command, raw []string) flow {
	switch c.Words[0].S {
	case "local", "declare", "typeset", "export", "readonly":
		w.declare(raw[1:])
	case "unset":
		for _, name := range raw[1:] {
			w.sc.vars[name] = Word{Why: fmt.Sprintf("$%s is unset", name)}
		}
	case "exit":
		return w.end(c, flowExit, &w.afterExit)
	case "return":
		return w.end(c, flowReturn, &w.afterRet)
	}
	return flowOn
}

// end is an exit or return: certain, it ends the run; otherwise every
// later command of its scope may not run.
func (w *walker) end(c *Command, f flow, after *string) flow {
	what := strings.Join(strings.Fields(c.Raw), " ")
	if w.cond != "" {
		if *after == "" {
			*after = fmt.Sprintf("after %q at line %d, which may end the run before (%s)", what, c.Line, w.cond)
		}
		return flowOn
	}
	w.endLine, w.endDecided = c.Line, w.decided > 0
	return f
}

// assignments records NAME=value words.
func (w *walker) assignments(words []string) {
	for _, x := range words {
		if isAssignment(x) {
			w.assign(x)
		}
	}
}

// assign records one NAME=value; where the command may not run, the
// variable is no constant any more.
func (w *walker) assign(x string) {
	name, val, _ := strings.Cut(x, "=")
	name = strings.TrimSuffix(name, "+")
	switch {
	case w.cond != "":
		w.sc.vars[name] = Word{Why: fmt.Sprintf("$%s is assigned where the scriptlet may not run the assignment (%s)", name, w.cond)}
	case strings.HasPrefix(val, "("):
		w.sc.vars[name] = Word{Why: fmt.Sprintf("$%s is an array", name)}
	case strings.HasSuffix(x[:len(name)+1], "+"):
		w.sc.vars[name] = Word{Why: fmt.Sprintf("$%s is appended to", name)}
	default:
		v := w.sc.word(val)
		v.Text = "$" + name
		w.sc.vars[name] = v
	}
}

// declare handles local, declare, typeset, export and readonly: options
// are ignored, NAME=value assigns, a bare NAME has no value.
func (w *walker) declare(words []string) {
	for _, x := range words {
		switch {
		case strings.HasPrefix(x, "-"):
		case isAssignment(x):
			w.assign(x)
		default:
			w.sc.vars[x] = Word{Why: fmt.Sprintf("$%s is declared without a value", x)}
		}
	}
}

// call runs a function's body where it is called, with the call's words
// ("$@" and $* are the caller's) as $1, $2, ... A return ends only the
// function.
func (w *walker) call(c *Command, fn *node, raw []string) (flow, error) {
	w.called[fn.name] = true
	if w.depth >= maxCallDepth {
		c.Class = Other
		if c.Cond == "" {
			c.Cond = fmt.Sprintf("a call of function %s nested deeper than %d calls, which is not followed", fn.name, maxCallDepth)
		}
		return flowOn, w.emit(c)
	}
	var args []Word
	for i, a := range c.Words[1:] {
		if x, ok := w.sc.only(raw[i]); ok && x.kind == expVar && (x.text == "@" || x.text == "*") {
			args = append(args, w.sc.args...)
			continue
		}
		args = append(args, a)
	}
	savedArgs, savedRet := w.sc.args, w.afterRet
	w.sc.args, w.afterRet = args, ""
	w.depth++
	defer func() { w.sc.args, w.afterRet = savedArgs, savedRet; w.depth-- }()
	f, err := w.runTop(fn.kids, "function")
	if f == flowReturn {
		f = flowOn
	}
	return f, err
}
