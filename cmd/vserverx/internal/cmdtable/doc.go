// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package cmdtable is the one description of vserverx's command line: its
// commands, their arguments and flags, one-line and long descriptions, the
// global options and the exit status table. The CLI (cmd/vserverx) builds
// its commands, flags and every help text from it; the generator
// (internal/gendoc, run by go generate ./cmd/vserverx) writes the man
// page's COMMANDS, INTERNAL COMMANDS, OPTIONS and EXIT STATUS sections, the
// bash completion's word lists and the README's exit status table from
// it. It is plain data: no CLI library, no generator code.
//
// To add an option: add a Flag to its Command's Flags (a global one to
// GlobalFlags), read it in the command's action (c.Bool, c.String, ...;
// a global one in readGlobals), and run go generate ./cmd/vserverx. To add
// a command: add a Command here and its constructor in cmd/vserverx (built
// with tableCommand or guestCommand from spec(NAME, guest)). The tests of
// internal/gendoc fail until the generated files are regenerated.
package cmdtable
