// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import "strings"

// runLen is the number of words util-vserver appends to VSPACE_SHARED_CMD
// for a shared net space: VSPACE --enter X --net --.
const runLen = 5

// IsVspace reports whether word names util-vserver's vspace program: it is
// "vspace" or a path ending in "/vspace" (util-vserver uses $_VSPACE, an
// absolute path such as /usr/sbin/vspace).
func IsVspace(word string) bool {
	return word == "vspace" || strings.HasSuffix(word, "/vspace")
}

// EnterNetRun returns X when words[i:] starts with the 5 words
// "VSPACE --enter X --net --" that util-vserver appends to VSPACE_SHARED_CMD
// for a guest whose spaces/net names X; ok is false otherwise.
// Runs entering other spaces ("--enter X --uts --", "--net --mount --") do
// not match.
func EnterNetRun(words []string, i int) (x string, ok bool) {
	if i < 0 || len(words)-i < runLen {
		return "", false
	}
	w := words[i : i+runLen]
	if !IsVspace(w[0]) || w[1] != "--enter" || w[3] != "--net" || w[4] != "--" {
		return "", false
	}
	return w[2], true
}

// Rewrite returns util-vserver's VSPACE_SHARED_CMD array with vserverx's
// namespaces taken care of. Every run of exactly the 5 words
// "VSPACE --enter X --net --" (see EnterNetRun) for which managed(X) is
// true is
//
//   - dropped when inside == X: the start chain already runs inside X
//     (vserverx start runs vserver with VSERVERX_NETNS=X);
//   - otherwise replaced by prefix(X), a command prefix that sets X up and
//     runs the rest of the chain inside it (the guest was started by plain
//     "vserver G start").
//
// Every other word is kept, in order, word for word: runs for namespaces
// that managed rejects (real vserver contexts), and runs entering other
// spaces. The input is scanned once from the left; words produced by a
// replacement or brought together by a drop are not scanned again. words is
// not modified.
func Rewrite(words []string, managed func(x string) bool, inside string, prefix func(x string) []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); {
		x, ok := EnterNetRun(words, i)
		if !ok || !managed(x) {
			out = append(out, words[i])
			i++
			continue
		}
		if x != inside {
			out = append(out, prefix(x)...)
		}
		i += runLen
	}
	return out
}
