// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Vars are the variables of util-vserver's util-vserver-vars shell file
// (for example _VSPACE, __CONFDIR, __SBINDIR), fully expanded.
type Vars map[string]string

// SyntaxError is a line of a shell-assignment file that ParseVars does not
// understand. Its Error is "FILE:LINE: MSG".
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ParseVars reads a file of shell variable assignments as util-vserver's
// util-vserver-vars is: lines like A=b, A='b', A="$B/x", A=${B}/x, optionally
// prefixed with export, several per line separated by blanks or ';', comments
// starting with '#'. $VAR and ${VAR} are expanded (outside single quotes) from
// the assignments made before; an unknown variable expands to "" as in the
// shell; quotes are removed as the shell removes them. Anything else (a
// command, $(...), `...`, ${VAR:-x}) is a *SyntaxError naming name and the
// line.
func ParseVars(r io.Reader, name string) (Vars, error) {
	p := &varsParser{in: bufio.NewReader(r), name: name, line: 1, vars: Vars{}}
	for {
		more, err := p.command()
		if err != nil {
			return nil, err
		}
		if !more {
			return p.vars, nil
		}
	}
}

// LoadVars reads the util-vserver-vars file at path with ParseVars. A missing
// file gives an error wrapping fs.ErrNotExist.
func LoadVars(path string) (Vars, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("util-vserver-vars: %w", err)
	}
	defer f.Close()
	return ParseVars(f, path)
}

// Default locations used when util-vserver-vars does not say otherwise.
const (
	DefaultConfDir  = "/etc/vservers"
	DefaultVserver  = "/usr/sbin/vserver"
	DefaultVarsFile = "/usr/lib/util-vserver/util-vserver-vars"
	DefaultNetnsDir = "/run/netns"
	DefaultStateDir = "/run/vserverx"
)

// DefaultPaths returns vserverx's default Paths, taking util-vserver's own
// locations from v (which may be nil): __CONFDIR is the confdir,
// __SBINDIR/vserver the vserver command, _VSPACE and _VPROCUNHIDE the
// helpers. Empty or absent variables keep the defaults.
func DefaultPaths(v Vars) Paths {
	p := Paths{
		ConfDir:  DefaultConfDir,
		Vserver:  DefaultVserver,
		VarsFile: DefaultVarsFile,
		NetnsDir: DefaultNetnsDir,
		StateDir: DefaultStateDir,
	}
	if s := v["__CONFDIR"]; s != "" {
		p.ConfDir = s
	}
	if s := v["__SBINDIR"]; s != "" {
		p.Vserver = strings.TrimSuffix(s, "/") + "/vserver"
	}
	p.Vspace = v["_VSPACE"]
	p.Vprocunhide = v["_VPROCUNHIDE"]
	return p
}

// varsParser scans shell text, expanding variables and removing quotes as
// it goes. It keeps each word twice: as written (with an expansion quoted,
// so that it cannot make a variable name or the word export) for telling
// assignments apart and for messages, and as the shell's value.
type varsParser struct {
	in   *bufio.Reader
	name string
	line int // current line
	vars Vars

	start   int             // line the current command started on
	word    strings.Builder // current word, expanded, still quoted
	value   strings.Builder // current word, expanded, quotes removed
	inWord  bool
	words   int  // words of the current command seen so far
	export  bool // the current command is an export
	pending rune // a rune pushed back, or 0
}

var errUnterminated = errors.New("unterminated quote")

func (p *varsParser) fail(line int, format string, args ...any) error {
	return &SyntaxError{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next rune, or 0 at the end of input. A NUL byte is a
// *SyntaxError, a read error is returned wrapped, naming the file.
func (p *varsParser) next() (rune, error) {
	if p.pending != 0 {
		r := p.pending
		p.pending = 0
		return r, nil
	}
	r, _, err := p.in.ReadRune()
	if err == io.EOF {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p.name, err)
	}
	if r == 0 {
		return 0, p.fail(p.line, "NUL byte in a shell file")
	}
	if r == '\n' {
		p.line++
	}
	return r, nil
}

func (p *varsParser) unread(r rune) {
	if r == '\n' {
		p.line--
	}
	p.pending = r
}

// command scans one command (up to an unquoted newline or ';') and applies
// its assignments. It reports whether there may be more input.
func (p *varsParser) command() (bool, error) {
	p.start, p.words, p.export = p.line, 0, false
	for {
		r, err := p.next()
		if err != nil {
			return false, err
		}
		switch {
		case r == 0 || r == '\n' || r == ';':
			if err := p.endWord(); err != nil {
				return false, err
			}
			return r != 0, nil
		case r == ' ' || r == '\t' || r == '\r':
			if err := p.endWord(); err != nil {
				return false, err
			}
		case r == '#' && !p.inWord:
			if err := p.skipComment(); err != nil {
				return false, err
			}
		default:
			p.inWord = true
			if err := p.wordRune(r); err != nil {
				return false, err
			}
		}
	}
}

func (p *varsParser) skipComment() error {
	for {
		r, err := p.next()
		if err != nil {
			return err
		}
		if r == 0 || r == '\n' {
			p.unread(r)
			return nil
		}
	}
}

// wordRune handles one unquoted rune inside a word.
func (p *varsParser) wordRune(r rune) error {
	switch r {
	case '\'':
		return p.singleQuoted()
	case '"':
		return p.doubleQuoted()
	case '\\':
		return p.escaped(false)
	case '$':
		return p.dollar(false)
	case '`', '(', ')', '<', '>', '|', '&':
		return p.fail(p.line, "%q is not supported here: only NAME=value assignments, export and comments are understood", r)
	}
	p.literal(r)
	return nil
}

// literal adds r, unquoted, to the current word.
func (p *varsParser) literal(r rune) {
	p.word.WriteRune(r)
	p.value.WriteRune(r)
}

func (p *varsParser) singleQuoted() error {
	p.word.WriteRune('\'')
	for {
		r, err := p.next()
		if err != nil {
			return err
		}
		if r == 0 {
			return p.fail(p.start, "%v", errUnterminated)
		}
		if r == '\'' {
			p.word.WriteRune(r)
			return nil
		}
		p.literal(r)
	}
}

func (p *varsParser) doubleQuoted() error {
	p.word.WriteRune('"')
	for {
		r, err := p.next()
		if err != nil {
			return err
		}
		var ferr error
		switch r {
		case 0:
			return p.fail(p.start, "%v", errUnterminated)
		case '"':
			p.word.WriteRune('"')
			return nil
		case '\\':
			ferr = p.escaped(true)
		case '$':
			ferr = p.dollar(true)
		case '`':
			ferr = p.fail(p.line, "command substitution with ` is not supported")
		default:
			p.literal(r)
		}
		if ferr != nil {
			return ferr
		}
	}
}

// escaped handles the rune after a backslash. Inside double quotes the
// shell keeps the backslash unless $ ` " \ follow.
func (p *varsParser) escaped(quoted bool) error {
	r, err := p.next()
	if err != nil {
		return err
	}
	switch {
	case r == 0:
		return p.fail(p.line, "backslash at the end of the file")
	case r == '\n': // line continuation
		return nil
	}
	p.word.WriteRune('\\')
	if quoted && !strings.ContainsRune("$`\"\\", r) {
		p.value.WriteRune('\\')
	}
	p.literal(r)
	return nil
}

// dollar expands $NAME or ${NAME}; a lone $ stays literal.
func (p *varsParser) dollar(quoted bool) error {
	r, err := p.next()
	if err != nil {
		return err
	}
	var name string
	switch {
	case r == '{':
		name, err = p.bracedName()
	case isNameStart(r):
		name, err = p.bareName(r)
	case r == '(':
		return p.fail(p.line, "command substitution $(...) is not supported")
	default:
		p.unread(r)
		p.literal('$')
		return nil
	}
	if err != nil {
		return err
	}
	p.word.WriteString(quoteExpansion(p.vars[name], quoted))
	p.value.WriteString(p.vars[name])
	return nil
}

func (p *varsParser) bracedName() (string, error) {
	var b strings.Builder
	for {
		r, err := p.next()
		if err != nil {
			return "", err
		}
		if r == '}' {
			break
		}
		if r == 0 || r == '\n' {
			return "", p.fail(p.start, "unterminated ${")
		}
		b.WriteRune(r)
	}
	name := b.String()
	if !IsShellName(name) {
		return "", p.fail(p.line, "${%s} is not supported: only ${NAME} and $NAME are expanded", name)
	}
	return name, nil
}

func (p *varsParser) bareName(first rune) (string, error) {
	var b strings.Builder
	b.WriteRune(first)
	for {
		r, err := p.next()
		if err != nil {
			return "", err
		}
		if !isNameRune(r) {
			p.unread(r)
			return b.String(), nil
		}
		b.WriteRune(r)
	}
}

// quoteExpansion returns value as the written form of a word shows an
// expansion: in single quotes outside double quotes, backslash-escaped
// inside them. So an expansion never makes a variable name or the word
// export, as in the shell.
func quoteExpansion(value string, inDouble bool) string {
	if inDouble {
		return doubleQuoteEscapes.Replace(value)
	}
	if value == "" {
		return ""
	}
	return "'" + strings.ReplaceAll(value, "'", `'"'"'`) + "'"
}

var doubleQuoteEscapes = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// endWord finishes the current word: export or an
// assignment, applied at once so later words see it (as in the shell).
func (p *varsParser) endWord() error {
	if !p.inWord {
		return nil
	}
	raw, word := p.word.String(), p.value.String()
	p.word.Reset()
	p.value.Reset()
	p.inWord = false
	p.words++
	if p.words == 1 && raw == "export" {
		p.export = true
		return nil
	}
	return p.assign(raw, word)
}

func (p *varsParser) assign(raw, word string) error {
	name, value, ok := strings.Cut(word, "=")
	if ok && IsShellName(name) && !strings.ContainsAny(raw[:len(name)], `'"\`) {
		p.vars[name] = value
		return nil
	}
	if p.export && IsShellName(word) {
		return nil // "export NAME" without a value changes nothing we read
	}
	return p.fail(p.start, "%q is not a variable assignment (only NAME=value, export and comments are understood)", raw)
}

// IsShellName reports whether s is a valid shell variable name.
func IsShellName(s string) bool {
	if s == "" || !isNameStart(rune(s[0])) {
		return false
	}
	for _, r := range s {
		if !isNameRune(r) {
			return false
		}
	}
	return true
}

func isNameStart(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func isNameRune(r rune) bool { return isNameStart(r) || r >= '0' && r <= '9' }
