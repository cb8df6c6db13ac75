// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/wrapper"
)

// usageError is a mistake in how vserverx was called: cmdtable.ExitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// outcome is a result that is not a success and not an error vserverx
// prints: stopped, unknown, some guests not started, warnings under
// --strict. It ends vserverx with that status of the table (cmdtable) and
// no message of its own: the command already said what it found.
type outcome int

func (o outcome) Error() string { return fmt.Sprintf("exit status %d", int(o)) }

// outcomeOf is nil for cmdtable.ExitOK, else outcome(code).
func outcomeOf(code int) error {
	if code == cmdtable.ExitOK {
		return nil
	}
	return outcome(code)
}

// withStatus is an error to print that leaves with a status of the table
// other than cmdtable.ExitError.
type withStatus struct {
	err    error
	status int
}

func (w withStatus) Error() string { return w.err.Error() }
func (w withStatus) Unwrap() error { return w.err }

// exitStatus is where the exit status of every command is chosen, from
// the error its action returned: nil is success; a usage error, an
// outcome or an error withStatus say theirs; the wrapped command's own
// status (wrapper.ExitStatus: its exit code or 128+signal) is passed
// through; an unknown guest is util-vserver's 5; any other error is
// vserverx's own, 1. (A signal that interrupted a command that changes the
// host overrides this: see app.exitCode.)
func exitStatus(err error) int {
	var ue usageError
	var o outcome
	var ws withStatus
	var es *wrapper.ExitStatus
	switch {
	case err == nil:
		return cmdtable.ExitOK
	case errors.As(err, &ue):
		return cmdtable.ExitUsage
	case errors.As(err, &o):
		return int(o)
	case errors.As(err, &ws):
		return ws.status
	case errors.As(err, &es):
		return es.Code
	case errors.Is(err, config.ErrNoGuest):
		return cmdtable.ExitNoGuest
	}
	return cmdtable.ExitError
}

// report prints err the way vserverx ends and returns the exit status
// (exitStatus). Nothing is printed for an outcome or for the wrapped
// command's own status on its own: the command already spoke.
func report(stderr io.Writer, err error) int {
	code := exitStatus(err)
	var ue usageError
	switch {
	case err == nil || silent(err):
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "vserverx: %s\nRun 'vserverx --help' for usage.\n", ue.msg)
	default:
		fmt.Fprintf(stderr, "vserverx: %s\n", indentLines(err.Error()))
	}
	return code
}

// silent reports whether err is only a status, with nothing to say: an
// outcome, or the exit status of a command that ran.
func silent(err error) bool {
	if _, ok := err.(outcome); ok {
		return true
	}
	es, ok := err.(*wrapper.ExitStatus)
	return ok && es.Err == nil
}

// indentLines indents every line after the first, for multi-line errors
// such as a list of configuration problems.
func indentLines(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
