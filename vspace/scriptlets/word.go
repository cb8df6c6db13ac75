// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Word is one word of a command after expansion.
type Word struct {
	S        string // the value ("" when Why is set)
	Text     string // as written, variables shown as ${NAME}, for messages
	Computed bool   // a command substitution or arithmetic makes (part of) it: known only at run time
	Why      string // the value is not known, and why (a variable the scriptlet does not assign, a parameter expansion with operators)
}

// Known reports whether the word's value is known from the scriptlet.
func (w Word) Known() bool { return w.Why == "" && !w.Computed }

// knownVariables are util-vserver's variables a scriptlet may use without
// assigning them: the paths of ip in util-vserver-vars (and the wiki's
// name for it). $1 (the phase), $2 and $VSERVER_NAME (the guest) are
// known too.
var knownVariables = map[string]string{"_IP": "ip", "_HIP": "ip"}

var assignment = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\+?=`)
})

func isAssignment(w string) bool { return assignment().MatchString(w) }

// scope is what expansion knows: the positional parameters and the
// variables assigned so far.
type scope struct {
	exps  []expansion
	args  []Word // $1, $2, ...
	guest string
	vars  map[string]Word
}

// word expands one word of the scanner (placeholders for expansions).
func (s *scope) word(w string) Word {
	out := Word{Text: s.show(w)}
	var b strings.Builder
	for w != "" {
		i := strings.IndexRune(w, phOpen)
		if i < 0 {
			b.WriteString(w)
			break
		}
		b.WriteString(w[:i])
		j := strings.IndexRune(w[i:], phClose) + i
		idx, _ := strconv.Atoi(w[i+1 : j])
		part := s.expandOne(s.exps[idx])
		if part.Why != "" {
			out.Why = part.Why
			return out
		}
		b.WriteString(part.S)
		out.Computed = out.Computed || part.Computed
		w = w[j+1:]
	}
	out.S = b.String()
	return out
}

func (s *scope) expandOne(x expansion) Word {
	switch x.kind {
	case expVar:
		return s.lookup(x.text)
	case expComplex:
		return Word{Why: fmt.Sprintf("the parameter expansion %s is not understood", x.text)}
	}
	return Word{S: x.text, Computed: true}
}

func (s *scope) lookup(name string) Word {
	if n, err := strconv.Atoi(name); err == nil && n >= 1 {
		if n <= len(s.args) {
			return s.args[n-1]
		}
		return Word{S: ""}
	}
	if v, ok := s.vars[name]; ok {
		return v
	}
	if name == "VSERVER_NAME" {
		return Word{S: s.guest}
	}
	if v, ok := knownVariables[name]; ok {
		return Word{S: v}
	}
	return Word{Why: fmt.Sprintf("variable $%s is not understood: the scriptlet does not assign it a constant (only its own constants, $1, $2, $VSERVER_NAME, $_IP and $_HIP are known)", name)}
}

// show returns a word as written, for messages.
func (s *scope) show(w string) string {
	for {
		i := strings.IndexRune(w, phOpen)
		if i < 0 {
			return w
		}
		j := strings.IndexRune(w[i:], phClose) + i
		idx, _ := strconv.Atoi(w[i+1 : j])
		x := s.exps[idx]
		text := x.text
		if x.kind == expVar {
			text = "${" + text + "}"
		}
		w = w[:i] + text + w[j+1:]
	}
}

var redirect = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9]*(>>|>&|<&|&>|>|<)(.*)$`)
})

// stripRedirects drops redirections (2>/dev/null, > file, 2>&1); hereDoc
// reports a here document (whose text the scanner read as commands).
func stripRedirects(words []string) (out []string, hereDoc bool) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(strings.TrimLeft(w, "0123456789"), "<<") {
			hereDoc = true
			continue
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
	return out, hereDoc
}

// only returns the expansion a word consists of.
func (s *scope) only(w string) (expansion, bool) {
	if len(w) < 3 || w[0] != phOpen || w[len(w)-1] != phClose {
		return expansion{}, false
	}
	i, err := strconv.Atoi(w[1 : len(w)-1])
	if err != nil || i >= len(s.exps) {
		return expansion{}, false
	}
	return s.exps[i], true
}
