package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/vserverx/vserverx/config"
)

// Boot ordering: the engine behind `vserverx start-all` and `stop-all`, the
// replacement of util-vserver's start-vservers / vservers-default init script.
//
// Selection follows util-vserver's getAllVservers (scripts/functions):
//
//   - Only directories of the confdir are guests (dot-directories are not).
//     A guest with a `disabled` file or without `vdir` is never selected.
//   - Every --mark value is a comma-separated list of marks. A guest matches
//     the value when one of its apps/init/mark lines equals one of the
//     marks; when the marks carry a leading `!` or `~` the value matches the
//     guests that carry none of them.
//   - Several --mark options (and --all) are intersected, as util-vserver
//     intersects the sets of getAllVserversByArg: `--mark a --mark '!b'`
//     selects the guests marked a and not b. --all alone selects every
//     (enabled, vdir-having) guest; together with --mark it adds nothing,
//     exactly as in util-vserver's own `start-vservers -m MARK --all`.
//
// Ordering follows apps/init/depends. start-all starts a dependency that
// was not selected itself too (util-vserver's make-based start-vservers
// builds every prerequisite); stop-all only orders the selected guests
// among themselves (a guest stops after every selected guest that depends
// on it, directly or through other guests) and stops nothing else.

// BootOptions are the options of start-all and stop-all.
type BootOptions struct {
	Marks    []string  // --mark, repeatable; "!x"/"~x" invert; a value may be a comma-separated list
	All      bool      // --all: every enabled guest that has a vdir; given marks still filter (as in util-vserver)
	Jobs     int       // -j; <=0 means runtime.NumCPU()
	DryRun   bool      // print the waves, act on nothing
	Stop     bool      // stop-all: reverse dependency order
	Out      io.Writer // per-guest lines, progress line and summary
	Progress bool      // show a progress line (stdout is a terminal)
}

// BootAction starts (or, for stop-all, stops) one guest. It returns
// ErrBootUnchanged (possibly wrapped) when the guest already was running
// (stopped): the engine then reports it as such and counts it as a success.
type BootAction func(ctx context.Context, g *config.Guest) error

// ErrBootUnchanged is returned by a BootAction for a guest that already is
// in the wanted state (running for start-all, stopped for stop-all), as
// util-vserver's start-vservers skips guests for which `vserver NAME
// status` already says so.
var ErrBootUnchanged = errors.New("already in the wanted state")

// ErrBootConfig is wrapped by every error Boot returns before acting on any
// guest: bad options, an unknown dependency, a dependency cycle.
var ErrBootConfig = errors.New("boot configuration")

// Exit codes of start-all and stop-all (those of util-vserver's
// start-vservers).
const (
	BootExitAll  = 0 // every selected guest started (stopped) or already was; also when none was selected
	BootExitNone = 1 // not one guest could be started (stopped)
	BootExitSome = 2 // some guests failed or were skipped, others succeeded
)

// Boot starts (opt.Stop: stops) the guests of t that opt selects, in
// apps/init/depends order, at most opt.Jobs at a time, and never two
// members of one namespace group at once. A guest is started as soon as
// every guest it depends on has started; a failure skips the guests that
// depend on the failed one (transitively). It writes one line per guest as
// it finishes and a summary to opt.Out and returns BootExitAll,
// BootExitNone or BootExitSome. The error is non-nil only for problems
// found before anything was done (it wraps ErrBootConfig); the exit code is
// then 1. With opt.DryRun it prints the plan (waves) and acts on nothing.
func Boot(ctx context.Context, t *config.Tree, opt BootOptions, act BootAction) (int, error) {
	return bootGuests(ctx, t.Guests(), opt, act)
}

// bootGuests is Boot on a list of guests.
func bootGuests(ctx context.Context, guests []*config.Guest, opt BootOptions, act BootAction) (int, error) {
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	if opt.Jobs <= 0 {
		opt.Jobs = runtime.NumCPU()
	}
	p, err := newBootPlan(guests, opt)
	if err != nil {
		return BootExitNone, err
	}
	for _, w := range p.warnings {
		fmt.Fprintf(opt.Out, "warning: %s\n", w)
	}
	if opt.DryRun {
		p.printWaves(opt.Out, opt.Jobs)
		return BootExitAll, nil
	}
	tally := runBootPlan(ctx, p, opt, act)
	tally.printSummary(opt.Out, p.verbs)
	return tally.exitCode(), nil
}

// BootProbe reports whether one guest is running, as `vserver NAME running`
// does.
type BootProbe func(ctx context.Context, g *config.Guest) (bool, error)

// LSB status codes returned by BootStatus (those of an init script's
// status action).
const (
	BootStatusRunning = 0 // at least one selected guest runs
	BootStatusStopped = 3 // no selected guest runs
	BootStatusUnknown = 4 // none is known to run, and some could not be asked
)

// BootStatus is the status action of the init script: it prints one line
// per guest opt selects (same selection as Boot, without dependencies) —
// "NAME running", "NAME stopped" or "NAME unknown: ERROR" — and returns
// BootStatusRunning when at least one runs, BootStatusStopped when none
// does (also when none is selected), BootStatusUnknown when none is known
// to run and some could not be asked. The error is non-nil (wrapping
// ErrBootConfig, code BootStatusUnknown) only for bad options.
func BootStatus(ctx context.Context, t *config.Tree, opt BootOptions, probe BootProbe) (int, error) {
	return bootStatusGuests(ctx, t.Guests(), opt, probe)
}

// bootStatusGuests is BootStatus on a list of guests.
func bootStatusGuests(ctx context.Context, guests []*config.Guest, opt BootOptions, probe BootProbe) (int, error) {
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	filters, err := parseBootMarks(opt.Marks)
	if err != nil {
		return BootStatusUnknown, err
	}
	if len(filters) == 0 && !opt.All {
		return BootStatusUnknown, fmt.Errorf("%w: status needs --mark MARK or --all", ErrBootConfig)
	}
	p := &bootPlan{}
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
		return BootStatusRunning, nil
	case unknown > 0:
		return BootStatusUnknown, nil
	}
	return BootStatusStopped, nil
}
