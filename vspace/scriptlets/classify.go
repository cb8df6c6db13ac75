// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"path"
	"regexp"
	"strings"
	"sync"
)

// vspaceVar is util-vserver's array of the command prefix that enters the
// shared spaces; vserverx rewrites it itself.
const vspaceVar = "VSPACE_SHARED_CMD"

// Class is what a command does, as far as vserverx cares.
type Class int

// The classes of Command.
const (
	Other             Class = iota // a program vserverx knows nothing about
	Shell                          // shell structure that changes nothing outside the shell: assignments, :, true, [ ], local, return, ...
	IP                             // an ip command of no class below
	NamespaceCreate                // ip netns add X
	NamespaceDelete                // ip netns delete X
	LinkIntoNamespace              // ip link ... netns X: creates a link in X or moves one there
	VspaceWrite                    // assigns, appends to or unsets VSPACE_SHARED_CMD (or a compound that rewrites it)
	VspaceRead                     // mentions VSPACE_SHARED_CMD without changing it
	NftInNamespace                 // ip netns exec X nft -f FILE: loads a ruleset in X
	ExecInNamespace                // ip netns exec X CMD, CMD neither ip nor nft -f
)

var classNames = map[Class]string{Other: "command", Shell: "shell", IP: "ip command",
	NamespaceCreate: "ip netns add", NamespaceDelete: "ip netns delete",
	LinkIntoNamespace: "ip link ... netns: puts a link into a namespace", VspaceWrite: "rewrites VSPACE_SHARED_CMD",
	VspaceRead: "reads VSPACE_SHARED_CMD", NftInNamespace: "ip netns exec ... nft -f: loads a ruleset in a namespace",
	ExecInNamespace: "ip netns exec: runs a command in a namespace"}

func (c Class) String() string { return classNames[c] }

// ManagesNamespace reports whether a command of class c manages a network
// namespace: creates or deletes one, puts a link into one, rewrites
// VSPACE_SHARED_CMD, or loads a ruleset into one.
func (c Class) ManagesNamespace() bool {
	switch c {
	case NamespaceCreate, NamespaceDelete, LinkIntoNamespace, VspaceWrite, NftInNamespace:
		return true
	}
	return false
}

// IsIP reports whether a program (after expansion) is iproute2's ip: ip or
// a path ending in /ip. It is the one place that says so.
func IsIP(prog string) bool { return prog == "ip" || strings.HasSuffix(prog, "/ip") }

// IsNft reports whether a program (after expansion) is nftables' nft: nft
// or a path ending in /nft.
func IsNft(prog string) bool { return prog == "nft" || strings.HasSuffix(prog, "/nft") }

// ipOptionsWithArg are ip's global options that take an argument.
var ipOptionsWithArg = map[string]bool{"-n": true, "-netns": true, "-b": true, "-batch": true, "-f": true,
	"-family": true, "-rc": true, "-rcvbuf": true, "-l": true, "-loops": true}

var vspaceWrite = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|[^A-Za-z0-9_$])VSPACE_SHARED_CMD(\[[^]]*\])?\+?=|\bunset\s+(-v\s+)?VSPACE_SHARED_CMD\b`)
})

// classify sets c.Class and c.NS from its words.
func (c *Command) classify() {
	switch {
	case strings.Contains(c.Raw, vspaceVar) && vspaceWrite().MatchString(c.Raw):
		c.Class = VspaceWrite
	case strings.Contains(c.Raw, vspaceVar):
		c.Class = VspaceRead
	default:
		c.Class, c.NS, c.Inner = classifyWords(skipPrefixWords(c.Words))
	}
}

// classifyWords classifies a simple command by its words; assignments in
// front of a program are its environment.
func classifyWords(words []Word) (Class, string, []Word) {
	for len(words) > 0 && isAssignment(words[0].Text) {
		words = words[1:]
	}
	if len(words) == 0 {
		return Shell, "", nil
	}
	switch prog := words[0].S; {
	case IsIP(prog):
		return classifyIP(words[1:])
	case shellWords[prog], (prog == "." || prog == "source") && len(words) == 2 && path.Base(words[1].S) == "util-vserver-vars":
		return Shell, "", nil
	}
	return Other, "", nil
}

// shellWords are builtins that change nothing outside the shell. Sourcing
// util-vserver-vars only sets the paths of util-vserver's programs.
var shellWords = map[string]bool{":": true, "true": true, "false": true, "[": true, "[[": true, "test": true,
	"return": true, "exit": true, "shift": true, "continue": true, "break": true, "local": true,
	"declare": true, "typeset": true, "export": true, "readonly": true, "unset": true}

// classifyIP classifies the ip command whose words after the program are
// args.
func classifyIP(args []Word) (Class, string, []Word) {
	for len(args) > 0 && strings.HasPrefix(args[0].S, "-") {
		args = args[1+boolInt(ipOptionsWithArg[args[0].S] && len(args) > 1):]
	}
	if len(args) < 2 {
		return IP, "", nil
	}
	object, action := args[0].S, args[1].S
	switch {
	case abbrev(object, "netns", 3) && (abbrev(action, "add", 1) || abbrev(action, "delete", 1)):
		class := NamespaceCreate
		if action[0] == 'd' {
			class = NamespaceDelete
		}
		return class, wordAt(args, 2), nil
	case abbrev(object, "netns", 3) && action == "exec" && len(args) > 3:
		return classifyExec(wordAt(args, 2), args[3:])
	case abbrev(object, "link", 1):
		for i := 2; i < len(args); i++ {
			if args[i].S == "netns" {
				return LinkIntoNamespace, wordAt(args, i+1), nil
			}
		}
	}
	return IP, "", nil
}

// classifyExec classifies ip netns exec x INNER...
func classifyExec(x string, inner []Word) (Class, string, []Word) {
	prog := inner[0].S
	switch {
	case IsIP(prog):
		class, ns, _ := classifyIP(inner[1:])
		if class == IP {
			ns = x
		}
		return class, ns, inner
	case IsNft(prog) && hasWord(inner[1:], "-f"):
		return NftInNamespace, x, inner
	}
	return ExecInNamespace, x, inner
}

// wordAt returns the value of words[i] (as written when it is not known),
// or "".
func wordAt(words []Word, i int) string {
	if i >= len(words) {
		return ""
	}
	if words[i].Why != "" || words[i].Computed {
		return words[i].Text
	}
	return words[i].S
}

func hasWord(words []Word, s string) bool {
	for _, w := range words {
		if w.S == s {
			return true
		}
	}
	return false
}

// skipPrefixWords drops command prefixes (sudo, exec, command, env, !)
// in front of the command word.
func skipPrefixWords(words []Word) []Word {
	for len(words) > 1 {
		switch words[0].S {
		case "sudo", "exec", "command", "env", "!":
			words = words[1:]
		default:
			return words
		}
	}
	return words
}

// abbrev reports whether w is an abbreviation of full (as iproute2 matches
// keywords) at least min bytes long.
func abbrev(w, full string, min int) bool {
	return len(w) >= min && strings.HasPrefix(full, w)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// matchesLabel reports whether a case label like (pre-start) or
// post-stop|postpost-stop) matches s.
func matchesLabel(label, s string) bool {
	label = strings.TrimSuffix(strings.TrimPrefix(label, "("), ")")
	for _, pat := range strings.Split(label, "|") {
		if ok, _ := path.Match(strings.Trim(pat, `"'`), s); ok {
			return true
		}
	}
	return false
}
