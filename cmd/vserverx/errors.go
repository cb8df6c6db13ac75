// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// usageError is a mistake in how vserverx was called: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// exitCode ends vserverx with a code and no message of its own (the wrapped
// command already spoke).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit code %d", int(e)) }

// codeOf turns (code, err) from the lifecycle into the error an action
// returns: nil for 0, the error itself when there is one, else exitCode.
func codeOf(code int, err error) error {
	if err != nil {
		if code > 1 {
			return withCode{err, code}
		}
		return err
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// withCode is an error to print that leaves with a specific exit code.
type withCode struct {
	err  error
	code int
}

func (w withCode) Error() string { return w.err.Error() }
func (w withCode) Unwrap() error { return w.err }

// report prints err the way vserverx ends and returns the exit code:
// 2 for usage errors, the wrapped code for exitCode/withCode, else 1.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "vserverx: %s\nRun 'vserverx --help' for usage.\n", ue.msg)
		return 2
	}
	fmt.Fprintf(stderr, "vserverx: %s\n", indentLines(err.Error()))
	var wc withCode
	if errors.As(err, &wc) {
		return wc.code
	}
	return 1
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
