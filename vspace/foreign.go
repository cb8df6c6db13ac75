// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/vserverx/vserverx/config"
)

// ForeignFinding is one line of a scriptlet, not written by vserverx, that
// manages network namespaces itself: vserverx does that for a managed
// guest, so such a line manages the guest's namespace a second time.
type ForeignFinding struct {
	File   string // the scriptlet
	Line   int    // 1-based line number (the first line of a continued command)
	Text   string // the line as written, trimmed
	Reason string // what the line does, e.g. "ip netns add"
}

// Problem turns the finding into a problem of the guest whose namespace is
// x, naming the file and the line.
func (f ForeignFinding) Problem(x string) config.Problem {
	return config.Problem{File: f.File, Msg: fmt.Sprintf(
		"line %d: %q (%s) manages namespace %s twice: vserverx already creates, configures and removes it and rewrites "+
			"VSPACE_SHARED_CMD for this guest; remove the line (or the scriptlet)", f.Line, f.Text, f.Reason, x)}
}

// ForeignScriptlets scans every scriptlet util-vserver would run for the
// guest in guestDir (scripts/PHASE and scripts/PHASE.d/*, then the same in
// CONFDIR/.defaults/scripts), except the ones vserverx wrote (HasMarker),
// and returns the lines that manage network namespaces. A scriptlet that
// cannot be read is a Problem naming it.
func ForeignScriptlets(guestDir, confdir string) ([]ForeignFinding, config.Problems) {
	var found []ForeignFinding
	var ps config.Problems
	for _, base := range []string{filepath.Join(guestDir, "scripts"), filepath.Join(confdir, ".defaults", "scripts")} {
		for _, file := range phaseScriptlets(base) {
			content, err := os.ReadFile(file)
			if err != nil {
				ps = append(ps, config.Problem{File: file, Msg: fmt.Sprintf("cannot read it: %v", err)})
				continue
			}
			if !HasMarker(content) {
				found = append(found, ScanScriptlet(file, content)...)
			}
		}
	}
	return found, ps
}

// phaseScriptlets lists the regular files util-vserver's execScriptlets
// considers in one scripts directory, for every phase.
func phaseScriptlets(base string) []string {
	var files []string
	for _, phase := range config.ScriptletPhases {
		candidates := []string{filepath.Join(base, phase)}
		d, _ := filepath.Glob(filepath.Join(base, phase+".d", "*"))
		candidates = append(candidates, d...)
		for _, c := range candidates {
			if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && !ignoredScriptlet(filepath.Base(c)) {
				files = append(files, c)
			}
		}
	}
	return files
}

// ScanScriptlet returns the lines of a shell scriptlet that manage network
// namespaces: `ip netns add` or `ip netns delete` (any abbreviation iproute2
// accepts), `ip link ... netns ...` (moving or creating a link in another
// namespace), and assigning, appending to or unsetting VSPACE_SHARED_CMD.
// Comments are ignored; a command continued with a trailing backslash is
// reported at its first line.
func ScanScriptlet(file string, content []byte) []ForeignFinding {
	var found []ForeignFinding
	lines := strings.Split(string(content), "\n")
	for i := 0; i < len(lines); i++ {
		start, text := i, lines[i]
		logical := stripComment(text)
		for strings.HasSuffix(logical, "\\") && i+1 < len(lines) {
			i++
			logical = strings.TrimSuffix(logical, "\\") + " " + stripComment(lines[i])
		}
		if reason := namespaceReason(logical); reason != "" {
			found = append(found, ForeignFinding{File: file, Line: start + 1, Text: strings.TrimSpace(text), Reason: reason})
		}
	}
	return found
}

// stripComment removes a shell comment: a '#' that starts a word outside
// quotes, up to the end of the line ($#, ${#a[@]} and "a#b" stay).
func stripComment(line string) string {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '\'' || c == '"':
			quote = c
		case c == '#' && (i == 0 || strings.IndexByte(" \t;&|()", line[i-1]) >= 0):
			return line[:i]
		}
	}
	return line
}

var (
	vspaceSharedWrite = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(^|[^A-Za-z0-9_$])VSPACE_SHARED_CMD(\[[^]]*\])?\+?=|\bunset\s+(-v\s+)?VSPACE_SHARED_CMD\b`)
	})
	commandSeparators = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`;|&&|\|\||[|&(){}]|\bthen\b|\bdo\b|\belse\b`)
	})
)

// namespaceReason says what a logical line does to namespaces, or "".
func namespaceReason(line string) string {
	if vspaceSharedWrite().MatchString(line) {
		return "rewrites VSPACE_SHARED_CMD"
	}
	for _, cmd := range commandSeparators().Split(line, -1) {
		if r := ipNamespaceReason(strings.Fields(cmd)); r != "" {
			return r
		}
	}
	return ""
}

// ipOptionsWithArg are ip's global options that take an argument.
var ipOptionsWithArg = map[string]bool{"-n": true, "-netns": true, "-b": true, "-batch": true, "-f": true,
	"-family": true, "-rc": true, "-rcvbuf": true, "-l": true, "-loops": true}

// ipNamespaceReason inspects one simple command (its words).
func ipNamespaceReason(words []string) string {
	words = skipPrefixWords(words)
	if len(words) == 0 || !isIPCommand(words[0]) {
		return ""
	}
	args := words[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		args = args[1+boolInt(ipOptionsWithArg[args[0]] && len(args) > 1):]
	}
	if len(args) < 2 {
		return ""
	}
	object, action := unquote(args[0]), unquote(args[1])
	switch {
	case abbrev(object, "netns", 3) && (abbrev(action, "add", 1) || abbrev(action, "delete", 1)):
		return "ip netns " + action
	case abbrev(object, "link", 1) && containsWord(args[2:], "netns"):
		return "ip link ... netns: puts a link into another namespace"
	}
	return ""
}

// skipPrefixWords drops variable assignments and command prefixes (sudo,
// exec, command, env) in front of the command word.
func skipPrefixWords(words []string) []string {
	for len(words) > 0 {
		w := words[0]
		switch {
		case w == "sudo" || w == "exec" || w == "command" || w == "env" || w == "!":
		case strings.Contains(w, "=") && !strings.HasPrefix(w, "="):
		default:
			return words
		}
		words = words[1:]
	}
	return words
}

// isIPCommand reports whether a word runs iproute2's ip: ip, a path ending
// in /ip, or util-vserver's $_IP.
func isIPCommand(w string) bool {
	w = unquote(w)
	return w == "ip" || strings.HasSuffix(w, "/ip") || w == "$_IP" || w == "${_IP}"
}

// abbrev reports whether w is an abbreviation of full (as iproute2 matches
// keywords) at least min bytes long.
func abbrev(w, full string, min int) bool {
	return len(w) >= min && strings.HasPrefix(full, w)
}

func containsWord(words []string, w string) bool {
	for _, x := range words {
		if unquote(x) == w {
			return true
		}
	}
	return false
}

func unquote(w string) string { return strings.Trim(w, `"'`) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
