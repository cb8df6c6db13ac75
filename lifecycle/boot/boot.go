// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/vserverx/vserverx/config"
)

// Options are the options of start-all, stop-all and status-all.
type Options struct {
	Marks    []string  // --mark, repeatable; "!x"/"~x" invert; a value may be a comma-separated list
	All      bool      // --all: every enabled guest that has a vdir; given marks still filter (as in util-vserver)
	Jobs     int       // -j; <=0 means runtime.NumCPU()
	DryRun   bool      // print the waves, act on nothing
	Stop     bool      // stop-all: reverse dependency order
	Out      io.Writer // per-guest lines, progress line and summary
	Progress bool      // show a progress line (stdout is a terminal)
}

// Action starts (or, for stop-all, stops) one guest. It returns
// ErrUnchanged (possibly wrapped) when the guest already was running
// (stopped): the engine then reports it as such and counts it as a success.
type Action func(ctx context.Context, g *config.Guest) error

// ErrUnchanged is returned by an Action for a guest that already is
// in the wanted state (running for start-all, stopped for stop-all), as
// util-vserver's start-vservers skips guests for which `vserver NAME
// status` already says so.
var ErrUnchanged = errors.New("already in the wanted state")

// ErrConfig is wrapped by every error Run returns before acting on any
// guest: bad options, an unknown dependency, a dependency cycle.
var ErrConfig = errors.New("boot configuration")

// Exit codes of start-all and stop-all: those of vserverx's exit status
// table (vserverx(8), EXIT STATUS), where every number has one meaning for
// every command: 1 is an error, 6 "some guests were not started
// (stopped)".
const (
	ExitAll  = 0 // every selected guest started (stopped) or already was; also when none was selected
	ExitNone = 1 // not one guest could be started (stopped)
	ExitSome = 6 // some guests failed or were skipped, others succeeded
)

// Run starts (opt.Stop: stops) the guests of t that opt selects, in
// apps/init/depends order, at most opt.Jobs at a time, and never two
// members of one namespace group at once. A guest is started as soon as
// every guest it depends on has started; a failure skips the guests that
// depend on the failed one (transitively). It writes one line per guest as
// it finishes and a summary to opt.Out and returns ExitAll,
// ExitNone or ExitSome. The error is non-nil only for bad options (it
// wraps ErrConfig); the exit code is then 1. With opt.DryRun it prints the
// plan (waves) and acts on nothing; the exit code then says whether some
// or all guests would be skipped for what is known beforehand.
func Run(ctx context.Context, t *config.Tree, opt Options, act Action) (int, error) {
	return runGuests(ctx, t.Guests(), opt, act)
}

// runGuests is Run on a list of guests.
func runGuests(ctx context.Context, guests []*config.Guest, opt Options, act Action) (int, error) {
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	if opt.Jobs <= 0 {
		opt.Jobs = runtime.NumCPU()
	}
	p, err := newPlan(guests, opt)
	if err != nil {
		return ExitNone, err
	}
	for _, w := range p.warnings {
		fmt.Fprintf(opt.Out, "warning: %s\n", w)
	}
	if opt.DryRun {
		p.printWaves(opt.Out, opt.Jobs)
		return p.dryRunCode(), nil
	}
	tally := runPlan(ctx, p, opt, act)
	tally.printSummary(opt.Out, p.verbs)
	return tally.exitCode(), nil
}

// Probe reports whether one guest is running, as `vserver NAME running`
// does.
type Probe func(ctx context.Context, g *config.Guest) (bool, error)

// LSB status codes returned by Status (those of an init script's
// status action).
const (
	StatusRunning = 0 // at least one selected guest runs
	StatusStopped = 3 // no selected guest runs
	StatusUnknown = 4 // none is known to run, and some could not be asked
)

// Status is the status action of the init script: it prints one line
// per guest opt selects (same selection as Run, without dependencies) —
// "NAME running", "NAME stopped" or "NAME unknown: ERROR" — and returns
// StatusRunning when at least one runs, StatusStopped when none
// does (also when none is selected), StatusUnknown when none is known
// to run and some could not be asked. The error is non-nil (wrapping
// ErrConfig, code StatusUnknown) only for bad options.
func Status(ctx context.Context, t *config.Tree, opt Options, probe Probe) (int, error) {
	return statusGuests(ctx, t.Guests(), opt, probe)
}

// statusGuests is Status on a list of guests.
func statusGuests(ctx context.Context, guests []*config.Guest, opt Options, probe Probe) (int, error) {
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	filters, err := parseMarks(opt.Marks)
	if err != nil {
		return StatusUnknown, err
	}
	if len(filters) == 0 && !opt.All {
		return StatusUnknown, fmt.Errorf("%w: status needs --mark MARK or --all", ErrConfig)
	}
	p := &plan{}
	running, unknown := 0, 0
	for _, g := range p.selectGuests(guests, filters) {
		up, err := probe(ctx, g)
		switch {
		case err != nil:
			unknown++
			fmt.Fprintf(opt.Out, "%s unknown: %v\n", g.Name, err)
		case up:
			running++
			fmt.Fprintf(opt.Out, "%s running\n", g.Name)
		default:
			fmt.Fprintf(opt.Out, "%s stopped\n", g.Name)
		}
	}
	switch {
	case running > 0:
		return StatusRunning, nil
	case unknown > 0:
		return StatusUnknown, nil
	}
	return StatusStopped, nil
}
