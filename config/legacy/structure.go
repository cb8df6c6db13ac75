// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"slices"
	"strings"

	"github.com/google/shlex"

	"github.com/vserverx/vserverx/config"
)

// node is one piece of a scriptlet's structure: a simple command (words
// set, no children) or a compound — if, a loop, case, a brace group or a
// function definition — holding the nodes inside it.
type node struct {
	line  int
	kw    string   // "" for a command; if, while, until, for, case, {, function
	name  string   // function name
	words []string // a command's words (with placeholders)
	raw   string   // as written
	conn  string   // the operator before a command
	kids  []*node
}

// closers says which keyword ends each compound.
var closers = map[string]string{"if": "fi", "while": "done", "until": "done", "for": "done", "case": "esac", "{": "}", "function": "}"}

// Keywords that only separate the parts of a compound.
var middles = []string{"then", "do", "else"}

// conditionKeywords open a compound whose first part is a condition,
// skipped up to then or do.
var conditionKeywords = []string{"if", "elif", "while", "until", "for"}

// builder turns segments into a tree of nodes: a little state machine
// with a stack of open compounds.
type builder struct {
	file    string
	stack   []*node
	inCond  bool // skipping a condition up to then/do
	funcHdr bool // a function header was read, its { is due
}

func parseTree(file string, segs []segment) (*node, error) {
	b := &builder{file: file, stack: []*node{{kw: "file"}}}
	for _, seg := range segs {
		if err := b.segment(seg); err != nil {
			return nil, err
		}
	}
	if len(b.stack) > 1 {
		top := b.top()
		return nil, refuse(file, top.line, "%s is never closed by %s", top.kw, closers[top.kw])
	}
	return b.stack[0], nil
}

func (b *builder) top() *node { return b.stack[len(b.stack)-1] }

// segment consumes one segment: leading keywords one by one, then the rest
// as a command.
func (b *builder) segment(seg segment) error {
	if seg.label {
		b.top().kids = append(b.top().kids, &node{line: seg.line, kw: "label", raw: seg.raw})
		return nil
	}
	words, err := shlex.Split(seg.text)
	if err != nil {
		return refuse(b.file, seg.line, "cannot split %q into words: %v", seg.raw, err)
	}
	for len(words) > 0 {
		n, err := b.keyword(seg, words)
		if err != nil || n == 0 {
			if err == nil {
				err = b.command(seg, words)
			}
			return err
		}
		words = words[n:]
	}
	return nil
}

// keyword handles a keyword at the start of words and returns how many
// words it took (0: words are a command).
func (b *builder) keyword(seg segment, words []string) (int, error) {
	w := words[0]
	switch {
	case b.funcHdr:
		return b.functionBrace(seg, w)
	case b.inCond:
		if w == "then" || w == "do" {
			b.inCond = false
			return 1, nil
		}
		return len(words), nil // part of the condition
	case slices.Contains(conditionKeywords, w):
		b.inCond = true
		if w != "elif" {
			b.open(seg, w)
		}
		return len(words), nil
	case w == "case":
		b.open(seg, w)
		return len(words), nil
	case w == "{":
		b.open(seg, w)
		return 1, nil
	case slices.Contains(middles, w):
		return 1, nil
	case w == "fi" || w == "done" || w == "esac" || w == "}":
		return 1, b.close(seg, w)
	case w == "function" || len(words) > 1 && words[1] == "()" || strings.HasSuffix(w, "()"):
		return b.functionHeader(seg, words)
	}
	return 0, nil
}

func (b *builder) open(seg segment, kw string) *node {
	n := &node{line: seg.line, kw: kw, raw: seg.raw}
	b.top().kids = append(b.top().kids, n)
	b.stack = append(b.stack, n)
	return n
}

func (b *builder) close(seg segment, kw string) error {
	top := b.top()
	if len(b.stack) == 1 || closers[top.kw] != kw {
		return refuse(b.file, seg.line, "%s without a matching opening", kw)
	}
	b.stack = b.stack[:len(b.stack)-1]
	return nil
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
		return 0, refuse(b.file, seg.line, "%q is not understood as a function definition", seg.raw)
	}
	fn := b.open(seg, "function")
	fn.name = name
	b.funcHdr = true
	return n, nil
}

func (b *builder) functionBrace(seg segment, w string) (int, error) {
	if w != "{" {
		return 0, refuse(b.file, seg.line, "the body of function %s must be in braces { ... }", b.top().name)
	}
	b.funcHdr = false
	return 1, nil
}

func (b *builder) command(seg segment, words []string) error {
	n := &node{line: seg.line, words: words, raw: seg.raw, conn: seg.conn}
	b.top().kids = append(b.top().kids, n)
	return nil
}

// mentions reports whether any command or header of n's subtree contains s.
func (n *node) mentions(s string) bool {
	if strings.Contains(n.raw, s) {
		return true
	}
	for _, k := range n.kids {
		if k.mentions(s) {
			return true
		}
	}
	return false
}
