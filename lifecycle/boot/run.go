// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// outcome is how one guest ended.
type outcome int

const (
	outcomePending   outcome = iota
	outcomeDone              // started (stopped) by this run
	outcomeUnchanged         // already was running (stopped)
	outcomeFailed            // its action failed
	outcomeSkipped           // not acted on: a dependency failed or was skipped
)

// completion is what a worker reports when its action returns.
type completion struct {
	n   *node
	err error
	dur time.Duration
}

// runner is the state of one run; only the coordinating goroutine
// (runPlan) touches it.
type runner struct {
	p       *plan
	opt     Options
	act     Action
	result  map[*node]outcome
	waiting map[*node]int   // unfinished dependencies
	ready   []*node         // runnable now, sorted by name
	running []*node         // actions in flight, in start order
	busy    map[string]bool // groups with a member in flight
	done    chan completion
	tally   tally
	width   int // name column width
}

// runPlan acts on every node of p, honouring the order, opt.Jobs and
// the groups, and prints the per-guest lines.
func runPlan(ctx context.Context, p *plan, opt Options, act Action) tally {
	r := &runner{
		p: p, opt: opt, act: act,
		result:  map[*node]outcome{},
		waiting: map[*node]int{},
		busy:    map[string]bool{},
		done:    make(chan completion),
	}
	r.tally.total = len(p.nodes)
	for _, n := range p.nodes {
		r.width = max(r.width, len(n.name))
	}
	for _, ig := range p.ignored {
		r.width = max(r.width, len(ig.name))
	}
	for _, ig := range p.ignored {
		r.linef("%-*s ignored: %s", r.width, ig.name, ig.why)
	}
	r.seed()
	r.loop(ctx)
	r.clearProgress()
	return r.tally
}

// seed skips the nodes blocked at plan time and queues those with no
// dependency.
func (r *runner) seed() {
	// In wave order, so that a blocked guest's dependants are reported as
	// skipped because of it.
	byWave := slices.Clone(r.p.nodes)
	slices.SortStableFunc(byWave, func(a, b *node) int { return a.wave - b.wave })
	for _, n := range byWave {
		if n.blocked != "" && r.result[n] == outcomePending {
			r.skip(n, n.blocked)
		}
	}
	for _, n := range r.p.nodes {
		if r.result[n] != outcomePending {
			continue
		}
		r.waiting[n] = len(n.after)
		if len(n.after) == 0 {
			r.ready = append(r.ready, n)
		}
	}
}

// loop launches what may run and collects results until nothing is left.
func (r *runner) loop(ctx context.Context) {
	for {
		if ctx.Err() == nil {
			r.launch(ctx)
		}
		if len(r.running) == 0 {
			break
		}
		r.progress()
		r.finish(<-r.done)
	}
	why := "interrupted"
	if cause := context.Cause(ctx); cause != nil {
		why = cause.Error() // a signal says "interrupted by SIGTERM" itself
		if !strings.HasPrefix(why, "interrupted") {
			why = "interrupted: " + why
		}
	}
	for _, n := range r.p.nodes {
		if r.result[n] == outcomePending {
			r.skip(n, why)
		}
	}
}

// launch starts ready nodes, in name order, while a slot is free and their
// group has no member in flight.
func (r *runner) launch(ctx context.Context) {
	for i := 0; i < len(r.ready) && len(r.running) < r.opt.Jobs; {
		n := r.ready[i]
		if n.group != "" && r.busy[n.group] {
			i++
			continue
		}
		r.ready = slices.Delete(r.ready, i, i+1)
		r.running = append(r.running, n)
		if n.group != "" {
			r.busy[n.group] = true
		}
		go r.work(ctx, n)
	}
}

// work runs the action of one node and reports back.
func (r *runner) work(ctx context.Context, n *node) {
	t0 := time.Now()
	err := r.act(ctx, n.g)
	r.done <- completion{n: n, err: err, dur: time.Since(t0)}
}

// finish records one finished action and releases or skips its dependants.
func (r *runner) finish(f completion) {
	n := f.n
	r.running = slices.DeleteFunc(r.running, func(x *node) bool { return x == n })
	if n.group != "" {
		r.busy[n.group] = false
	}
	secs := f.dur.Seconds()
	switch {
	case f.err == nil:
		r.settle(n, outcomeDone)
		r.linef("%-*s %s %.1fs", r.width, n.name, r.p.verbs.done, secs)
	case errors.Is(f.err, ErrUnchanged):
		r.settle(n, outcomeUnchanged)
		r.linef("%-*s %s %.1fs", r.width, n.name, r.p.verbs.unchanged, secs)
	default:
		r.settle(n, outcomeFailed)
		r.linef("%-*s FAILED %.1fs: %v", r.width, n.name, secs, f.err)
		r.skipDependants(n, "failed")
		return
	}
	for _, b := range n.before {
		if r.result[b] != outcomePending {
			continue
		}
		r.waiting[b]--
		if r.waiting[b] == 0 {
			r.ready = append(r.ready, b)
			slices.SortFunc(r.ready, func(a, b *node) int { return strings.Compare(a.name, b.name) })
		}
	}
}

// skipDependants skips every pending node that waits for n, transitively.
func (r *runner) skipDependants(n *node, what string) {
	for _, b := range n.before {
		if r.result[b] == outcomePending {
			r.skip(b, fmt.Sprintf("needs %s, which %s", n.name, what))
		}
	}
}

// skip records a node as skipped, prints why, and skips its dependants.
func (r *runner) skip(n *node, why string) {
	r.settle(n, outcomeSkipped)
	r.ready = slices.DeleteFunc(r.ready, func(x *node) bool { return x == n })
	r.linef("%-*s skipped: %s", r.width, n.name, why)
	r.skipDependants(n, "was skipped")
}

// settle records the result of n in the tally.
func (r *runner) settle(n *node, res outcome) {
	r.result[n] = res
	r.tally.add(n.name, res)
}

// linef prints one line, clearing the progress line first.
func (r *runner) linef(format string, args ...any) {
	r.clearProgress()
	fmt.Fprintf(r.opt.Out, format+"\n", args...)
}

// progress rewrites the terminal's progress line.
func (r *runner) progress() {
	if !r.opt.Progress {
		return
	}
	names := make([]string, len(r.running))
	for i, n := range r.running {
		names[i] = n.name
	}
	fmt.Fprintf(r.opt.Out, "\r\x1b[K[%d/%d] %s %s", r.tally.finished(), r.tally.total, r.p.verbs.doing, strings.Join(names, ", "))
}

// clearProgress erases the progress line.
func (r *runner) clearProgress() {
	if r.opt.Progress {
		fmt.Fprint(r.opt.Out, "\r\x1b[K")
	}
}

// tally counts the results of a run.
type tally struct {
	total                            int
	done, unchanged, failed, skipped []string
}

// add counts one result.
func (t *tally) add(name string, res outcome) {
	switch res {
	case outcomeDone:
		t.done = append(t.done, name)
	case outcomeUnchanged:
		t.unchanged = append(t.unchanged, name)
	case outcomeFailed:
		t.failed = append(t.failed, name)
	case outcomeSkipped:
		t.skipped = append(t.skipped, name)
	}
}

// finished is the number of guests with a result.
func (t *tally) finished() int {
	return len(t.done) + len(t.unchanged) + len(t.failed) + len(t.skipped)
}

// exitCode is 0 when every guest ended in the wanted state (or none was
// selected), 1 when none did, ExitSome otherwise.
func (t *tally) exitCode() int {
	good := len(t.done) + len(t.unchanged)
	bad := len(t.failed) + len(t.skipped)
	switch {
	case bad == 0:
		return ExitAll
	case good == 0:
		return ExitNone
	}
	return ExitSome
}

// printSummary writes the last line: counts, and the names of the failed
// and skipped guests.
func (t *tally) printSummary(w io.Writer, v wording) {
	if t.total == 0 {
		fmt.Fprintf(w, "%s: no guest selected\n", v.command)
		return
	}
	parts := []string{fmt.Sprintf("%d of %d %s", len(t.done), t.total, v.done)}
	if len(t.unchanged) > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", len(t.unchanged), v.unchanged))
	}
	if len(t.failed) > 0 {
		parts = append(parts, fmt.Sprintf("%d failed (%s)", len(t.failed), strings.Join(sortedCopy(t.failed), ", ")))
	}
	if len(t.skipped) > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped (%s)", len(t.skipped), strings.Join(sortedCopy(t.skipped), ", ")))
	}
	fmt.Fprintf(w, "%s: %s\n", v.command, strings.Join(parts, ", "))
}

// sortedCopy returns s sorted, leaving s alone.
func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
