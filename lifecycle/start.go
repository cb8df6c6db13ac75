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

// Start starts guest name with the extra vserver arguments args and returns
// the exit code to leave with. A guest vserverx does not manage is passed to
// `vserver NAME start` unchanged; a managed one gets its namespace set up
// first (see StartPlan). The error is for problems vserverx found itself.
func (e *Env) Start(ctx context.Context, name string, args []string) (int, error) {
	if err := e.needVserver(); err != nil {
		return 1, err
	}
	m, err := e.Resolve(name)
	if err != nil {
		return 1, err
	}
	if m.Group == nil {
		e.debugf("guest %s is not managed by vserverx: running vserver %s start", name, name)
		return e.Vserver.Run(ctx, nil, name, append([]string{"start"}, args...)...)
	}
	if err := e.Refusal(m); err != nil {
		return 1, err
	}
	e.warnNetwork(m)
	if e.Running(name) {
		e.warnf("guest %s is already running; nothing to do", name)
		return 0, nil
	}
	return e.startPlan(m, args).execute(ctx, e)
}

// Refusal is why start refuses a managed guest before touching the host
// (nil when it would go ahead): its scriptlets or cleanup-skip entry are
// missing or outdated (util-vserver would fail later, less clearly), its
// util-vserver network configuration has errors (GuestNetworkProblems), or
// util-vserver's command was not found. `plan` reports the same.
func (e *Env) Refusal(m Managed) error {
	var why []error
	if err := e.networkRefusal(m); err != nil {
		why = append(why, err)
	}
	if problems := e.Setup.Check(m.Guest, m.NS()); len(problems) > 0 {
		why = append(why, fmt.Errorf("guest %s is not set up for namespace %s (run: vserverx %s setup):\n%w", m.Guest.Name, m.NS(), m.Guest.Name, problems))
	}
	if err := e.needVserver(); err != nil {
		why = append(why, err)
	}
	return errors.Join(why...)
}

// execute runs the plan's steps in order, then waits for the wrapped
// vserver. On any failure it undoes what this call created. When ctx ends,
// the lock wait stops, no further step starts, and a running vserver gets
// SIGTERM (see wrapper.Wait); what this call created is undone.
func (p *Plan) execute(ctx context.Context, e *Env) (int, error) {
	x, err := p.setUp(ctx, e)
	if err != nil {
		return 1, err
	}
	defer x.close()
	if err := x.check(ctx, p.vserver.Step); err != nil {
		x.rollback()
		return 1, err
	}
	cmd, err := p.vserver.start(x.ns)
	if err != nil {
		x.rollback()
		return 1, err
	}
	x.lock.Release()
	code, err := wrapper.Wait(ctx, cmd)
	if code != 0 || err != nil {
		x.undoFailedStart(ctx, code)
	}
	return code, err
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
	for _, s := range p.inside {
		if err := x.check(ctx, s.Step); err != nil {
			return err
		}
		undo, err := s.do(ns)
		x.record(s.Step, undo)
		if err != nil {
			return err
		}
	}
	return nil
}

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
// with code. The lock was released once vserver ran, so it is taken again,
// also when ctx has ended (that may be why vserver failed).
func (x *execution) undoFailedStart(ctx context.Context, code int) {
	x.env.warnf("vserver %s start failed (exit code %d); undoing what this start created", x.plan.Guest, code)
	lock, err := x.env.lock(context.WithoutCancel(ctx), x.plan.NS)
	if err != nil {
		x.env.warnf("cannot undo: %v", err)
		return
	}
	x.lock = lock
	x.rollback()
}

// rollback undoes the recorded steps in reverse order unless another
// process lives in the namespace. Undo errors are reported, not returned:
// the original error is what the caller reports.
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
// of this one guest).
func (e *Env) Running(name string) bool {
	return e.RunningGuests(name)[name]
}

// RunningGuests asks util-vserver which of the guests names run, with the
// answers of `vserver NAME running` but at most one run of util-vserver for
// all of them, none for guests without a run entry (wrapper.Vserver.Running).
// When util-vserver cannot be asked, that is a warning and the guests it
// was not asked about count as stopped.
func (e *Env) RunningGuests(names ...string) map[string]bool {
	state, err := e.Vserver.Running(context.Background(), e.Paths.ConfDir, names)
	if err != nil {
		e.warnf("%v", err)
	}
	return state
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
