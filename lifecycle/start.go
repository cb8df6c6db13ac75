// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
)

// undoEntry is the undo of one executed step.
type undoEntry struct {
	title string
	undo  netns.Undo
}

// execution is what executing a plan has done so far: the lock it holds,
// the namespace the namespace step produced, and the undos of the steps,
// in order.
type execution struct {
	env   *Env
	plan  *Plan
	lock  *Lock
	ns    *netns.NS
	undos []undoEntry
}

// Start starts guest name with the extra vserver arguments args. A guest
// vserverx does not manage is passed to `vserver NAME start` unchanged; a
// managed one gets its namespace set up first (see StartPlan). A vserver
// that exits non-zero is a *wrapper.ExitStatus carrying its status; other
// errors are problems vserverx found itself.
func (e *Env) Start(ctx context.Context, name string, args []string) error {
	m, err := e.Resolve(name)
	if errors.Is(err, config.ErrNoGuest) {
		return err // before util-vserver's command is looked for, as vserver says it first
	}
	if err := e.needVserver(); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if m.Group == nil {
		e.debugf("guest %s is not managed by vserverx: running vserver %s start", name, name)
		return e.Vserver.Run(ctx, netns.Own(), name, append([]string{"start"}, args...)...)
	}
	if err := e.Refusal(m); err != nil {
		return err
	}
	e.warnNetwork(m)
	running, err := e.startRunning(ctx, m)
	if err != nil {
		return err
	}
	if running {
		e.warnf("guest %s is already running; nothing to do", name)
		return nil
	}
	return e.startPlan(m, args).execute(ctx, e)
}

// startRunning reports whether guest m runs, after giving its namespace
// its name back when the name was removed while members of its group ran
// (recoverName), so that start joins the namespace they live in instead of
// creating another one.
func (e *Env) startRunning(ctx context.Context, m Managed) (bool, error) {
	running, err := e.recoverName(ctx, m)
	if err != nil || running != nil {
		return running[m.Guest.Name], err
	}
	return e.IsRunning(ctx, m.Guest.Name)
}

// Refusal is why start refuses a managed guest before touching the host
// (nil when it would go ahead): its scriptlets or cleanup-skip entry are
// missing or outdated (util-vserver would fail later, less clearly), its
// util-vserver network configuration has errors (GuestNetworkProblems), its
// namespace's definition conflicts with another (config.Tree.Conflicts: a
// MAC, a phys device; the kernel would refuse the second start less
// clearly), or util-vserver's command was not found. `plan` reports the same.
func (e *Env) Refusal(m Managed) error {
	var why []error
	if err := e.networkRefusal(m); err != nil {
		why = append(why, err)
	}
	if conflicts := e.Tree.Conflicts(m.NS()).Errors(); len(conflicts) > 0 {
		why = append(why, conflicts)
	}
	if problems := e.Setup.Check(m.Guest, m.NS()); len(problems) > 0 {
		why = append(why, fmt.Errorf("guest %s is not set up for namespace %s (run: vserverx %s setup):\n%w", m.Guest.Name, m.NS(), m.Guest.Name, problems))
	}
	if err := e.needVserver(); err != nil {
		why = append(why, err)
	}
	if err := e.needNft(m.Group.NS); err != nil {
		why = append(why, err)
	}
	return errors.Join(why...)
}

// execute runs the plan's steps in order, then waits for the wrapped
// vserver. On any failure it undoes what this call created. When ctx ends
// (a signal: wrapper.NotifyContext), the lock wait stops, no further step
// starts, and a running vserver gets the signal (see wrapper.Wait); what
// this call created is undone and the error says why.
func (p *Plan) execute(ctx context.Context, e *Env) error {
	x, err := p.setUp(ctx, e)
	if err != nil {
		return err
	}
	defer x.close()
	if err := x.check(ctx, p.vserver.Step); err != nil {
		x.rollback()
		return err
	}
	cmd, err := p.vserver.start(x.ns)
	if err != nil {
		x.rollback()
		return err
	}
	x.lock.Release()
	e.faultAfter(ctx, "start", len(p.Steps()))
	err = wrapper.Wait(ctx, cmd)
	if err != nil {
		x.undoFailedStart(ctx, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("guest %s: %w while vserver %s start ran (%w)", p.Guest, context.Cause(ctx), p.Guest, err)
	}
	return err
}

// setUp takes the namespace lock and runs the steps that set the namespace
// up, checking ctx before each. It returns holding the lock; on failure it
// has undone what it created and released everything.
func (p *Plan) setUp(ctx context.Context, e *Env) (*execution, error) {
	lock, err := p.lock.take(ctx)
	if err != nil {
		return nil, err
	}
	x := &execution{env: e, plan: p, lock: lock}
	e.faultAfter(ctx, "start", x.stepsDone())
	if err := x.runSetup(ctx); err != nil {
		x.rollback()
		x.close()
		return nil, err
	}
	return x, nil
}

// runSetup runs the namespace step, then the steps inside the namespace it
// produced, recording their undos.
func (x *execution) runSetup(ctx context.Context) error {
	p := x.plan
	if err := x.check(ctx, p.namespace.Step); err != nil {
		return err
	}
	ns, undo, err := p.namespace.open()
	x.ns = ns
	x.record(p.namespace.Step, undo)
	if err != nil {
		return err
	}
	x.env.faultAfter(ctx, "start", x.stepsDone())
	for _, s := range p.inside {
		if err := x.check(ctx, s.Step); err != nil {
			return err
		}
		undo, err := s.do(ctx, ns)
		x.record(s.Step, undo)
		if err != nil {
			return err
		}
		x.env.faultAfter(ctx, "start", x.stepsDone())
	}
	return nil
}

// stepsDone is the number of the plan's steps done so far: the lock and
// every step with a recorded undo.
func (x *execution) stepsDone() int { return 1 + len(x.undos) }

// check fails when ctx has ended before step s starts.
func (x *execution) check(ctx context.Context, s Step) error {
	if ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("namespace %s: cancelled before %q: %w", x.plan.NS, s.Title, context.Cause(ctx))
}

// record keeps the undo of step s for a rollback.
func (x *execution) record(s Step, undo netns.Undo) {
	x.undos = append(x.undos, undoEntry{s.Title, undo})
}

// undoFailedStart undoes what this start created after vserver failed
// (why). The lock was released once vserver ran, so it is taken again,
// also when ctx has ended (that may be why vserver failed).
func (x *execution) undoFailedStart(ctx context.Context, why error) {
	x.env.warnf("vserver %s start failed (%s); undoing what this start created", x.plan.Guest, failure(why))
	lock, err := x.env.lock(context.WithoutCancel(ctx), x.plan.NS)
	if err != nil {
		x.env.warnf("cannot undo: %v", err)
		return
	}
	x.lock = lock
	x.rollback()
}

// rollback undoes the recorded steps in reverse order unless another
// process lives in the namespace, and says what it undid. Undo errors are
// reported, not returned: the original error is what the caller reports.
func (x *execution) rollback() {
	if x.ns != nil {
		if pids := x.env.waitForEmpty(x.ns, x.env.Grace); len(pids) > 0 {
			x.env.warnf("keeping namespace %s: processes %s still live in it", x.plan.NS, joinInts(pids))
			return
		}
	}
	for i := len(x.undos) - 1; i >= 0; i-- {
		u := x.undos[i]
		if err := u.undo(); err != nil {
			x.env.warnf("undoing %q: %v", u.title, err)
		} else {
			x.env.warnf("undone: %s", u.title)
		}
	}
}

// close releases the lock and closes the namespace.
func (x *execution) close() {
	x.lock.Release()
	if x.ns != nil {
		x.ns.Close()
	}
}

// Running reports whether util-vserver says the guest runs (RunningGuests
// of this one guest). No answer counts as not running; use IsRunning where
// the answer decides what to do.
func (e *Env) Running(name string) bool {
	return e.RunningGuests(name)[name]
}

// RunningGuests asks util-vserver which of the guests names run (see
// AskRunning), for what is only shown or explained: when util-vserver
// cannot be asked, that is a warning and the guests it was not asked about
// count as stopped.
func (e *Env) RunningGuests(names ...string) map[string]bool {
	state, err := e.AskRunning(context.Background(), names...)
	if err != nil {
		e.warnf("%v", err)
	}
	return state
}

// IsRunning asks util-vserver whether the guest runs. When there is no
// answer (util-vserver could not be asked, or ctx ended — a signal — while
// it was asked), that is an error, never "not running".
func (e *Env) IsRunning(ctx context.Context, name string) (bool, error) {
	state, err := e.AskRunning(ctx, name)
	return state[name], err
}

// AskRunning asks util-vserver which of the guests names run, with the
// answers of `vserver NAME running` but at most one run of util-vserver for
// all of them, none for guests without a run entry (wrapper.Vserver.Running).
// The error says why some guests got no answer (they are missing from the
// map): util-vserver could not be asked, or ctx ended while it was.
func (e *Env) AskRunning(ctx context.Context, names ...string) (map[string]bool, error) {
	state, err := e.Vserver.Running(ctx, e.Paths.ConfDir, names)
	if ctx.Err() != nil {
		return state, fmt.Errorf("%w while asking util-vserver whether %s", context.Cause(ctx), guestsRun(names))
	}
	return state, err
}

// guestsRun is "guest NAME runs" or "guests A, B run", for messages.
func guestsRun(names []string) string {
	if len(names) == 1 {
		return "guest " + names[0] + " runs"
	}
	return "guests " + strings.Join(names, ", ") + " run"
}

// pidsBesidesUs lists the processes in ns other than this one.
func pidsBesidesUs(ns *netns.NS) ([]int, error) {
	pids, err := netns.Pids(ns)
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	out := pids[:0]
	for _, p := range pids {
		if p != self {
			out = append(out, p)
		}
	}
	return out, nil
}

// waitForEmpty polls the namespace for up to grace until no process other
// than this one is in it, and returns those still there. util-vserver's
// helpers may linger in the namespace for a moment after a command returns.
func (e *Env) waitForEmpty(ns *netns.NS, grace time.Duration) []int {
	deadline := time.Now().Add(grace)
	for {
		pids, err := pidsBesidesUs(ns)
		if err != nil {
			e.warnf("listing processes in namespace %s: %v", ns.Name, err)
			return nil
		}
		if len(pids) == 0 || time.Now().After(deadline) {
			return pids
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, " ")
}

// Up sets up namespace x as start does (lock, create or join, converge,
// sysctls, vprocunhide) without starting a guest, and returns it open. Used
// when util-vserver itself starts the guest (the scriptlet path). When ctx
// ends, the lock wait stops and no further step starts; what this call
// created is undone.
func (e *Env) Up(ctx context.Context, m Managed) (*netns.NS, error) {
	x, err := e.setupPlan(m).setUp(ctx, e)
	if err != nil {
		return nil, err
	}
	x.lock.Release()
	return x.ns, nil
}

// managed resolves a guest that must be managed: an unmanaged one is an
// error wrapping ErrNotManaged.
func (e *Env) managed(name string) (Managed, error) {
	m, err := e.Resolve(name)
	if err != nil {
		return m, err
	}
	if m.Group == nil {
		return m, notManaged(m.Guest)
	}
	return m, nil
}

// notManaged is the error for guest g, which vserverx does not manage:
// it says what g's spaces/net holds.
func notManaged(g *config.Guest) error {
	return fmt.Errorf("guest %s: %w (its spaces/net %s)", g.Name, ErrNotManaged, spacesNetText(g))
}

func spacesNetText(g *config.Guest) string {
	switch {
	case !g.HasSpacesNet:
		return "is missing"
	case g.SpacesNet == "":
		return "is empty: util-vserver gives it a private net space"
	case g.SpacesNet == "0":
		return "is 0: no net space"
	}
	return fmt.Sprintf("names %q, which has no definition directory .netns/%s", g.SpacesNet, g.SpacesNet)
}

// failure says how a wrapped command failed: "exit code N" for its own
// status, else the error.
func failure(err error) string {
	if code, ok := wrapper.StatusOf(err); ok {
		return fmt.Sprintf("exit code %d", code)
	}
	return err.Error()
}
