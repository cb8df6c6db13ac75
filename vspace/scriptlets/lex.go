// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// segment is one simple command of a scriptlet, or one case label, as the
// scanner cuts it out of the text: at newlines and at ; ;; && || | & outside
// quotes. Expansions ($NAME, ${NAME}, $(...), `...`, $((...))) are replaced
// by placeholders (see placeholder) so that shlex keeps each in its word.
type segment struct {
	line  int
	text  string // with placeholders
	raw   string // as written, for messages and the VSPACE_SHARED_CMD test
	conn  string // the operator before it: "", ";", "&&", "||", "|", "&"
	label bool   // a case label such as pre-start) or post-stop|postpost-stop)
}

// expKind is the kind of an expansion the scanner took out of the text.
type expKind int

const (
	expVar     expKind = iota // $NAME, ${NAME}, $2, ${2}, $@
	expCommand                // $(...) or `...`
	expArith                  // $((...))
	expComplex                // ${...} with an operator, e.g. ${X:-y} or ${#A[@]}
)

// expansion is one expansion: the variable name, or the text as written.
type expansion struct {
	kind expKind
	text string
}

// Placeholders are \x01 INDEX \x02: runes shlex keeps inside a word.
const phOpen, phClose = '\x01', '\x02'

func placeholder(i int) string { return string(phOpen) + strconv.Itoa(i) + string(phClose) }

// scanner cuts a scriptlet into segments.
type scanner struct {
	src       []rune
	pos, line int
	file      string
	exps      []expansion
	segs      []segment
	text, raw strings.Builder
	segLine   int
	conn      string
	caseDepth int
	blank     bool // the segment holds only blanks so far
}

// scan cuts src into segments, in time linear in its length; an
// unterminated quote or expansion is an *Error naming the line it starts
// on.
func scan(file, src string) ([]segment, []expansion, error) {
	s := &scanner{src: []rune(src), line: 1, file: file, segLine: 1, blank: true}
	for s.pos < len(s.src) {
		if err := s.step(); err != nil {
			return nil, nil, err
		}
	}
	s.end("")
	return s.segs, s.exps, nil
}

func (s *scanner) peek(off int) rune {
	if s.pos+off < len(s.src) {
		return s.src[s.pos+off]
	}
	return 0
}

// step consumes one token of the text outside quotes.
func (s *scanner) step() error {
	if s.atSegmentStart() && s.caseDepth > 0 && s.label() {
		return nil
	}
	c := s.peek(0)
	switch {
	case c == '\n':
		s.pos++
		s.end("")
		s.line++
	case c == '\\' && s.peek(1) == '\n':
		s.pos += 2
		s.line++
		s.text.WriteRune(' ')
		s.raw.WriteRune(' ')
	case c == '\\':
		s.copy(2)
	case c == '#' && s.atWordStart():
		for s.pos < len(s.src) && s.src[s.pos] != '\n' {
			s.pos++
		}
	case c == '\'':
		return s.singleQuoted()
	case c == '"':
		return s.doubleQuoted()
	case c == '$' || c == '`':
		return s.expansion()
	case c == ';' || c == '|' || c == '&' && !s.afterRedirect():
		s.operator(c)
	default:
		s.copy(1)
	}
	return nil
}

// copy takes n runes into the segment as they are.
func (s *scanner) copy(n int) {
	for i := 0; i < n && s.pos < len(s.src); i++ {
		c := s.src[s.pos]
		s.text.WriteRune(c)
		s.raw.WriteRune(c)
		s.blank = s.blank && (c == ' ' || c == '\t')
		s.pos++
	}
}

func (s *scanner) atSegmentStart() bool { return s.blank }

func (s *scanner) atWordStart() bool {
	r := s.raw.String()
	return r == "" || strings.ContainsRune(" \t", rune(r[len(r)-1]))
}

// afterRedirect reports whether an & belongs to a redirection (2>&1).
func (s *scanner) afterRedirect() bool {
	r := s.raw.String()
	return r != "" && (r[len(r)-1] == '>' || r[len(r)-1] == '<')
}

// operator ends the segment at ; ;; && || | or &.
func (s *scanner) operator(c rune) {
	op := string(c)
	if s.peek(1) == c {
		op += string(c)
	}
	s.pos += len([]rune(op))
	if op == ";;" {
		op = ";"
	}
	s.end(op)
}

// label takes a case label at the start of a segment: blanks, an
// optional "(", patterns joined by "|" and ")". It looks no further than
// the label, so that scanning stays linear.
func (s *scanner) label() bool {
	i := s.pos
	for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t') {
		i++
	}
	start := i
	if i < len(s.src) && s.src[i] == '(' {
		i++
	}
	end, ok := s.patterns(i)
	if !ok || strings.HasPrefix(string(s.src[start:min(start+4, len(s.src))]), "esac") {
		return false
	}
	m := string(s.src[start:end])
	s.pos = end
	s.segs = append(s.segs, segment{line: s.line, text: m, raw: m, conn: s.conn, label: true})
	s.conn = ""
	return true
}

// patterns reads patterns joined by "|" from i up to and including the
// closing ")"; end is the position after it.
func (s *scanner) patterns(i int) (end int, ok bool) {
	for {
		n := i
		for n < len(s.src) && !strings.ContainsRune(" \t\n()|;&", s.src[n]) {
			n++
		}
		if n == i || n >= len(s.src) {
			return 0, false
		}
		switch s.src[n] {
		case ')':
			return n + 1, true
		case '|':
			i = n + 1
		default:
			return 0, false
		}
	}
}

// end closes the current segment; op is the operator that ends it.
func (s *scanner) end(op string) {
	text, raw := strings.TrimSpace(s.text.String()), strings.TrimSpace(s.raw.String())
	if raw != "" {
		s.segs = append(s.segs, segment{line: s.segLine, text: text, raw: raw, conn: s.conn})
		s.trackCase(raw)
	}
	s.text.Reset()
	s.raw.Reset()
	s.blank = true
	s.conn = op
	if op == "" {
		s.conn = ";"
	}
	s.segLine = s.line
	if op == "" {
		s.segLine = s.line + 1
	}
}

// trackCase counts open case statements, so that labels are looked for
// only inside one.
func (s *scanner) trackCase(raw string) {
	switch first, _, _ := strings.Cut(raw, " "); first {
	case "case":
		s.caseDepth++
	case "esac":
		s.caseDepth--
	}
}

func (s *scanner) singleQuoted() error {
	start := s.line
	s.copy(1)
	for s.pos < len(s.src) && s.src[s.pos] != '\'' {
		s.countLine()
		s.copy(1)
	}
	if s.pos >= len(s.src) {
		return syntaxError(s.file, start, "unterminated single quote")
	}
	s.copy(1)
	return nil
}

func (s *scanner) doubleQuoted() error {
	start := s.line
	s.copy(1)
	for s.pos < len(s.src) && s.src[s.pos] != '"' {
		s.countLine()
		switch s.src[s.pos] {
		case '\\':
			s.copy(2)
		case '$', '`':
			if err := s.expansion(); err != nil {
				return err
			}
		default:
			s.copy(1)
		}
	}
	if s.pos >= len(s.src) {
		return syntaxError(s.file, start, "unterminated double quote")
	}
	s.copy(1)
	return nil
}

func (s *scanner) countLine() {
	if s.src[s.pos] == '\n' {
		s.line++
	}
}

// expansion replaces the expansion at $ or ` by a placeholder.
func (s *scanner) expansion() error {
	start := s.pos
	kind, name, ok := s.readExpansion()
	if !ok {
		return syntaxError(s.file, s.line, "unterminated %s", string(s.src[start:min(start+3, len(s.src))]))
	}
	if kind == expVar && name == "" { // a lone $
		s.pos = start
		s.copy(1)
		return nil
	}
	written := string(s.src[start:s.pos])
	s.line += strings.Count(written, "\n")
	if kind != expVar {
		name = written
	}
	s.exps = append(s.exps, expansion{kind: kind, text: name})
	s.text.WriteString(placeholder(len(s.exps) - 1))
	s.raw.WriteString(written)
	s.blank = false
	return nil
}

// readExpansion reads the expansion at the current position and moves past
// it; name is the variable name of an expVar ("" for a lone $).
func (s *scanner) readExpansion() (kind expKind, name string, ok bool) {
	if s.peek(0) == '`' {
		s.pos++
		return expCommand, "", s.skipTo('`')
	}
	s.pos++ // $
	switch c := s.peek(0); {
	case c == '(' && s.peek(1) == '(':
		s.pos += 2
		return expArith, "", s.skipParens(2)
	case c == '(':
		s.pos++
		return expCommand, "", s.skipParens(1)
	case c == '{':
		return s.braced()
	case isNameStart(c):
		st := s.pos
		for s.pos < len(s.src) && isNameRune(s.src[s.pos]) {
			s.pos++
		}
		return expVar, string(s.src[st:s.pos]), true
	case c >= '0' && c <= '9' || strings.ContainsRune("@*#?$!-", c) && c != 0:
		s.pos++
		return expVar, string(c), true
	}
	return expVar, "", true
}

// braced reads ${...}: a plain name or digit is a variable, anything else
// a complex expansion.
func (s *scanner) braced() (expKind, string, bool) {
	st := s.pos + 1
	s.pos++
	depth := 1
	for s.pos < len(s.src) && depth > 0 {
		switch s.src[s.pos] {
		case '{':
			depth++
		case '}':
			depth--
		}
		s.pos++
	}
	if depth > 0 {
		return expComplex, "", false
	}
	inner := string(s.src[st : s.pos-1])
	if config.IsShellName(inner) || isDigits(inner) {
		return expVar, inner, true
	}
	return expComplex, "", true
}

// skipTo moves past the next end rune.
func (s *scanner) skipTo(end rune) bool {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		s.pos++
		if c == end {
			return true
		}
	}
	return false
}

// skipParens moves past depth closing parentheses, skipping quoted text.
func (s *scanner) skipParens(depth int) bool {
	for s.pos < len(s.src) && depth > 0 {
		switch c := s.src[s.pos]; c {
		case '(':
			depth++
		case ')':
			depth--
		case '\'', '"':
			s.pos++
			if !s.skipTo(c) {
				return false
			}
			continue
		}
		s.pos++
	}
	return depth == 0
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func isNameStart(r rune) bool { return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isNameRune(r rune) bool { return isNameStart(r) || r >= '0' && r <= '9' }

// splitWords splits a segment's text into words as the shell does:
// blanks separate, quotes and backslashes are removed (inside double
// quotes a backslash escapes only \ " $ ` and a newline). Placeholders
// stay inside their word.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		case '\\':
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errUnterminated("single")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case '"':
			end, err := doubleQuotedWord(s, i+1, &cur)
			if err != nil {
				return nil, err
			}
			i = end
		default:
			cur.WriteByte(c)
		}
		inWord = true
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// doubleQuotedWord copies the text of a double-quoted part from i into
// cur and returns the position of its closing quote.
func doubleQuotedWord(s string, i int, cur *strings.Builder) (int, error) {
	for ; i < len(s) && s[i] != '"'; i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
			i++
		}
		cur.WriteByte(s[i])
	}
	if i >= len(s) {
		return 0, errUnterminated("double")
	}
	return i, nil
}

type errUnterminated string

func (e errUnterminated) Error() string { return "unterminated " + string(e) + " quote" }
