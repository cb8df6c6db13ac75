// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// Quote returns s as one bash word that evaluates to exactly s: s in single
// quotes, with each single quote in s written as close-quote, backslash,
// quote, reopen-quote:
//
//	Quote("it's")  == `'it'\''s'`
//	Quote("")      == `''`
//
// Inside single quotes bash interprets nothing — not $, backticks,
// backslashes, newlines, ! or bytes that are not UTF-8 — so the result is
// safe for any byte string.
//
// s must not contain a NUL byte: no bash word and no command-line argument
// can hold one, and bash drops it when it reads the text.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// FormatAssignment returns a bash array assignment that sets the array name
// to exactly words: NAME=( 'w1' 'w2' ... ). An empty list gives NAME=( ).
// The text is meant for eval in the bash that sourced a vserverx scriptlet.
// name must be a bash identifier (a letter or _, then letters, digits or _);
// FormatAssignment panics otherwise, since a caller passing anything else
// is a programming error.
func FormatAssignment(name string, words []string) string {
	if !config.IsShellName(name) {
		panic(fmt.Sprintf("vspace.FormatAssignment: %q is not a bash identifier", name))
	}
	var b strings.Builder
	b.WriteString(name)
	b.WriteString("=(")
	for _, w := range words {
		b.WriteByte(' ')
		b.WriteString(Quote(w))
	}
	b.WriteString(" )")
	return b.String()
}
