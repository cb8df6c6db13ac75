// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package scriptlets is vserverx's one reading of util-vserver's
// scriptlets: which files util-vserver runs for a guest and in which
// order, how the shell in them reads, and what each command does to
// network namespaces. check's detection of double management
// (vspace.ForeignScriptlets) and adopt's reading of hand-written network
// scriptlets both use it.
//
// # Which files (Files)
//
// As util-vserver's execScriptlets: for each phase, CONFDIR/NAME/scripts/PHASE
// and CONFDIR/NAME/scripts/PHASE.d/* (names not starting with a dot, in
// byte order), then the same in CONFDIR/.defaults/scripts — the defaults
// only when the guest has none for the phase or a sourced one of its own
// sets DONT_SKIP_DEFAULTS. A file counts when it is a readable regular
// file, symbolic links followed (the file itself, or the PHASE.d
// directory, may be a link), and its name is not a package manager's
// backup. A non-executable file is sourced with $1=PHASE $2=NAME, an
// executable one run with those arguments.
//
// # Reading (Parse, Script.Walk)
//
// Parse cuts a file into simple commands (at newlines, ; && || | & and
// case labels; expansions kept whole in their words) and builds the tree of
// if/elif/else, while/until/for, case, { } and function definitions, in
// time linear in the file's size. Walk then runs the tree in the head for
// one phase and guest:
//
//   - Words are expanded as far as the file's own constant assignments,
//     $1 (the phase), $2 and $VSERVER_NAME (the guest), and util-vserver's
//     $_IP (and the wiki's $_HIP) for ip allow; a command substitution or
//     arithmetic makes a word computed, any other variable unknown.
//   - A condition the file decides itself — true, false, :, or [ ], [[ ]],
//     test with -n, -z, =, ==, != on known words, maybe negated — runs only
//     what it chooses; so does a case on a known word (its first matching
//     label) and an and-or list that starts with such a test, as in
//     util-vserver's own phase test [ "$1" = pre-start ] || exit 0.
//     `X || true` is X.
//   - Every other command is still passed, with Command.Cond saying why it
//     may not run: inside an undecided if or case, inside a loop, on a side
//     of && or ||, after an exit or return that is always reached (or one
//     that may be), inside a function the file never calls. A function is
//     followed where it is called, with the call's words as $1, $2, ...
//
// # Classes (Class)
//
// Each command is classified: ip commands that create or delete a
// namespace, put a link into one (ip link ... netns X), load a ruleset into
// one (ip netns exec X nft -f FILE) or run another program in one; other
// ip commands; writes and reads of VSPACE_SHARED_CMD (a compound that
// mentions it is one VspaceWrite); shell builtins; anything else. IsIP is
// the one recogniser of the ip program.
package scriptlets
