// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package cmdtable

// The exit statuses of vserverx: one meaning per number, the same for
// every command. Where util-vserver's vserver (or enter's command) ran, its
// own status is passed through (ExitWrapped), as vserver's 0/3 for
// running/stopped and 5 for an unknown guest are kept.
const (
	ExitOK       = 0   // success; status: the guest runs
	ExitError    = 1   // an error vserverx found itself
	ExitUsage    = 2   // a usage error
	ExitStopped  = 3   // stopped (status), none runs (status-all, list --running-any)
	ExitUnknown  = 4   // whether guests run cannot be seen (without root)
	ExitNoGuest  = 5   // no such guest, as util-vserver's vserver
	ExitPartial  = 6   // some guests were not started or stopped (start-all, stop-all)
	ExitWarnings = 7   // warnings, drift included, under --strict (check, check-all)
	ExitSignal   = 128 // plus the signal's number: interrupted by that signal
)

// Exit is one row of the exit status table.
type Exit struct {
	Code    string // "0", "1", ...; "N" for the wrapped command's own status, "128+N" for a signal
	Meaning string
}

// Exits is the exit status table shown by --help, each command's help, the
// man page and the README.
var Exits = []Exit{
	{"0", "success; status: the guest runs; status-all, list --running-any: a guest runs"},
	{"1", "an error vserverx found itself: a configuration problem, missing root, a refusal, a step that failed; check, check-all and plan: problems found; start-all, stop-all: no selected guest was started (stopped)"},
	{"2", "a usage error: unknown command or option, missing or unexpected arguments"},
	{"3", "status: the guest is stopped; status-all, list --running-any: no guest runs"},
	{"4", "whether guests run cannot be seen (not root): status, status-all, list --running-any"},
	{"5", "no such guest (no directory NAME in the confdir), as util-vserver's vserver"},
	{"6", "start-all, stop-all: some selected guests were started (stopped), others failed or were skipped"},
	{"7", "check --strict, check-all --strict: no problem, but warnings (drift included)"},
	{"N", "where vserver (or enter's command) ran and exited N, that status (127: enter's command not found)"},
	{"128+N", "interrupted by signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP): start, stop, restart, start-all, stop-all; the wrapped command's own when it was killed by N"},
}
