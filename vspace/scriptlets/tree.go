// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"slices"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// node is one piece of a scriptlet's structure: a simple command (words
// set, no children) or a compound — if, a loop, case, a brace group or a
// function definition — holding the nodes inside it.
type node struct {
	line   int
	kw     string   // "" for a command; if, while, until, for, case, {, function, label
	name   string   // function name
	words  []string // a command's words (with placeholders)
	raw    string   // as written
	conn   string   // the operator before it: "", ";", "&&", "||", "|", "&"
	kids   []*node  // the body (of if: the branches)
	cond   []*node  // if/elif branch, while, until: the condition's commands
	vspace bool     // it, or something inside it, mentions VSPACE_SHARED_CMD
}

// closers says which keyword ends each compound.
var closers = map[string]string{"if": "fi", "while": "done", "until": "done", "for": "done", "case": "esac", "{": "}", "function": "}"}

// conditionKeywords open a compound whose first part is a condition, read
// up to then or do.
var conditionKeywords = []string{"if", "while", "until", "for"}

// builder turns segments into a tree of nodes: a little state machine
// with a stack of open compounds. An if holds one "branch" node per
// if/elif/else part, each with its condition and body.
type builder struct {
	file    string
	stack   []*node
	inCond  bool // reading a condition up to then/do
	funcHdr bool // a function header was read, its { is due
}

func parseTree(file string, segs []segment) (*node, error) {
	b := &builder{file: file, stack: []*node{{kw: "file"}}}
	for _, seg := range segs {
		if err := b.segment(seg); err != nil {
			return nil, err
		}
	}
	if b.funcHdr || len(b.stack) > 1 {
		top := b.top()
		return nil, syntaxError(file, top.line, "%s is never closed by %s", top.kw, closers[top.kw])
	}
	return b.stack[0], nil
}

func (b *builder) top() *node { return b.stack[len(b.stack)-1] }

// body is the node new commands go into: the open compound, or the last
// branch of an open if.
func (b *builder) body() *node {
	top := b.top()
	if top.kw == "if" {
		return top.kids[len(top.kids)-1]
	}
	return top
}

// segment consumes one segment: leading keywords one by one, then the rest
// as a command.
func (b *builder) segment(seg segment) error {
	if seg.label {
		b.add(&node{line: seg.line, kw: "label", raw: seg.raw})
		return nil
	}
	words, err := splitWords(seg.text)
	if err != nil {
		return syntaxError(b.file, seg.line, "cannot split %q into words: %v", seg.raw, err)
	}
	first := true
	for len(words) > 0 {
		n, err := b.keyword(seg, words, first)
		if err != nil || n == 0 {
			if err == nil {
				err = b.command(seg, words, first)
			}
			return err
		}
		words, first = words[n:], false
	}
	return nil
}

// add puts n into the current body, or into the condition being read.
func (b *builder) add(n *node) {
	if strings.Contains(n.raw, vspaceVar) {
		n.vspace = true
	}
	if b.inCond {
		into := b.top()
		if into.kw == "if" {
			into = into.kids[len(into.kids)-1]
		}
		into.cond = append(into.cond, n)
		return
	}
	body := b.body()
	body.kids = append(body.kids, n)
}

// keyword handles a keyword at the start of words and returns how many
// words it took (0: words are a command).
func (b *builder) keyword(seg segment, words []string, first bool) (int, error) {
	w := words[0]
	switch {
	case b.funcHdr:
		return b.functionBrace(seg, w)
	case b.inCond && (w == "then" || w == "do"):
		b.inCond = false
		return 1, nil
	case b.inCond:
		return 0, nil // a command of the condition
	case w == "for":
		b.open(seg, w, first)
		b.inCond = true
		return len(words), nil // the loop's header; do follows
	case slices.Contains(conditionKeywords, w):
		b.open(seg, w, first)
		b.inCond = true
		return 1, nil
	case w == "elif" || w == "else":
		return 1, b.branch(seg, w)
	case w == "case":
		b.open(seg, w, first).words = words
		return len(words), nil
	case w == "{":
		b.open(seg, w, first)
		return 1, nil
	case w == "fi" || w == "done" || w == "esac" || w == "}":
		return 1, b.close(seg, w)
	case w == "function" || len(words) > 1 && words[1] == "()" || strings.HasSuffix(w, "()") && !strings.Contains(w, "="):
		return b.functionHeader(seg, words)
	}
	return 0, nil
}

// open starts a compound; an if gets its first branch.
func (b *builder) open(seg segment, kw string, first bool) *node {
	n := &node{line: seg.line, kw: kw, raw: seg.raw}
	if first {
		n.conn = seg.conn
	}
	b.add(n)
	b.stack = append(b.stack, n)
	if kw == "if" {
		n.kids = []*node{{line: seg.line, kw: "branch", raw: seg.raw}}
	}
	return n
}

// branch starts the elif or else part of the open if.
func (b *builder) branch(seg segment, kw string) error {
	if b.top().kw != "if" {
		return syntaxError(b.file, seg.line, "%s without a matching if", kw)
	}
	top := b.top()
	top.kids = append(top.kids, &node{line: seg.line, kw: "branch", raw: seg.raw, name: kw})
	b.inCond = kw == "elif"
	return nil
}

func (b *builder) close(seg segment, kw string) error {
	top := b.top()
	if len(b.stack) == 1 || closers[top.kw] != kw {
		return syntaxError(b.file, seg.line, "%s without a matching opening", kw)
	}
	b.stack = b.stack[:len(b.stack)-1]
	if top.vspace || anyVspace(top.kids) || anyVspace(top.cond) {
		top.vspace = true
	}
	return nil
}

func anyVspace(ns []*node) bool {
	return slices.ContainsFunc(ns, func(n *node) bool { return n.vspace || anyVspace(n.cond) })
}

// functionHeader reads NAME(), NAME (), function NAME, function NAME();
// the body must follow in braces.
func (b *builder) functionHeader(seg segment, words []string) (int, error) {
	name, n := strings.TrimSuffix(words[0], "()"), 1
	if words[0] == "function" && len(words) > 1 {
		name, n = strings.TrimSuffix(words[1], "()"), 2
	}
	if n < len(words) && words[n] == "()" {
		n++
	}
	if !config.IsShellName(name) {
		return 0, syntaxError(b.file, seg.line, "%q is not understood as a function definition", seg.raw)
	}
	fn := b.open(seg, "function", false)
	fn.name = name
	b.funcHdr = true
	return n, nil
}

func (b *builder) functionBrace(seg segment, w string) (int, error) {
	if w != "{" {
		return 0, syntaxError(b.file, seg.line, "the body of function %s must be in braces { ... }", b.top().name)
	}
	b.funcHdr = false
	return 1, nil
}

func (b *builder) command(seg segment, words []string, first bool) error {
	n := &node{line: seg.line, words: words, raw: seg.raw}
	if first {
		n.conn = seg.conn
	}
	b.add(n)
	return nil
}
