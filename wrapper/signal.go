// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package wrapper

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// Signals are the signals that interrupt vserverx (NotifyContext): SIGINT,
// SIGTERM and SIGHUP.
var Signals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// Interrupted is the cause of a context that NotifyContext cancelled: the
// signal that arrived. A command it interrupts leaves with ExitCode.
type Interrupted struct{ Signal syscall.Signal }

func (i Interrupted) Error() string { return "interrupted by " + SignalName(i.Signal) }

// ExitCode is 128+signal, as a shell reports a command a signal ended.
func (i Interrupted) ExitCode() int { return 128 + int(i.Signal) }

// SignalName is the name of s ("SIGTERM"), or "signal N".
func SignalName(s syscall.Signal) string {
	if n := unix.SignalName(s); n != "" {
		return n
	}
	return "signal " + s.String()
}

// NotifyContext returns a copy of parent that is cancelled, with cause
// Interrupted naming the signal, when the first of Signals arrives; later
// ones are caught and ignored, so that vserverx always gets to undo and
// report. stop releases the signals. Like signal.NotifyContext, but it
// remembers which signal arrived (for the exit code and for forwarding it
// to running children, see Wait).
func NotifyContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, Signals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(Interrupted{Signal: s.(syscall.Signal)})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		cancel(context.Canceled)
	}
}

// Interruption returns the signal that interrupted ctx (NotifyContext).
func Interruption(ctx context.Context) (Interrupted, bool) {
	var i Interrupted
	ok := errors.As(context.Cause(ctx), &i)
	return i, ok
}

// cancelSignal is what a running child gets when ctx ends: the signal that
// interrupted vserverx, else CancelSignal.
func cancelSignal(ctx context.Context) os.Signal {
	if i, ok := Interruption(ctx); ok {
		return i.Signal
	}
	return CancelSignal
}
