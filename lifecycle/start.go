package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
)

// undoEntry is the undo of one executed step.
type undoEntry struct {
	title    string
	undoable bool
	undo     netns.Undo
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
		return e.Vserver.Run(nil, name, append([]string{"start"}, args...)...)
	}
	if err := e.Refusal(m); err != nil {
		return 1, err
	}
	if e.Running(name) {
		e.warnf("guest %s is already running; nothing to do", name)
		return 0, nil
	}
	return e.startPlan(m, args).execute(&startRun{env: e, m: m})
}

// Refusal is why start refuses a managed guest before touching the host
// (nil when it would go ahead): its scriptlets or cleanup-skip entry are
// missing or outdated (util-vserver would fail later, less clearly), or
// util-vserver's command was not found. `plan` reports the same.
func (e *Env) Refusal(m Managed) error {
	var why []error
	if problems := e.Setup.Check(m.Guest, m.NS()); len(problems) > 0 {
		why = append(why, fmt.Errorf("guest %s is not set up for namespace %s (run: vserverx %s setup):\n%w", m.Guest.Name, m.NS(), m.Guest.Name, problems))
	}
	if err := e.needVserver(); err != nil {
		why = append(why, err)
	}
	return errors.Join(why...)
}

// execute runs the plan's steps in order, then waits for the wrapped
// vserver. On any failure it undoes what this call created.
func (p *Plan) execute(r *startRun) (int, error) {
	defer r.close()
	undos, err := p.runSteps(r)
	if err != nil {
		return 1, err
	}
	code, err := wrapper.Wait(r.cmd)
	if code != 0 || err != nil {
		r.env.warnf("vserver %s start failed (exit code %d); undoing what this start created", r.m.Guest.Name, code)
		if lerr := r.relock(); lerr != nil {
			r.env.warnf("cannot undo: %v", lerr)
			return code, err
		}
		r.rollback(undos)
	}
	return code, err
}

// runSteps executes the steps in order and returns their undos. When a
// step fails it rolls back what the earlier ones did and returns the error.
func (p *Plan) runSteps(r *startRun) ([]undoEntry, error) {
	var undos []undoEntry
	for _, s := range p.Steps {
		undo, err := s.do(r)
		if undo != nil {
			undos = append(undos, undoEntry{s.Title, s.Undoable, undo})
		}
		if err != nil {
			r.rollback(undos)
			return nil, err
		}
	}
	return undos, nil
}

// relock takes the namespace lock again after it was released.
func (r *startRun) relock() error {
	l, err := AcquireLock(r.env.Paths.StateDir, r.m.NS(), r.env.LockTimeout, r.env.Err)
	if err != nil {
		return err
	}
	r.lock = l
	return nil
}

// rollback undoes the undoable steps in reverse order unless another process
// lives in the namespace, then releases the lock. Undo errors are reported,
// not returned: the original error is what the caller reports.
func (r *startRun) rollback(undos []undoEntry) {
	defer r.lock.Release()
	if r.ns != nil {
		if pids := r.env.waitForEmpty(r.ns, r.env.Grace); len(pids) > 0 {
			r.env.warnf("keeping namespace %s: processes %s still live in it", r.m.NS(), joinInts(pids))
			return
		}
	}
	for i := len(undos) - 1; i >= 0; i-- {
		u := undos[i]
		if !u.undoable {
			continue
		}
		if err := u.undo(); err != nil {
			r.env.warnf("undoing %q: %v", u.title, err)
		}
	}
}

func (r *startRun) close() {
	if r.ns != nil {
		r.ns.Close()
	}
	r.lock.Release()
}

// Running reports whether util-vserver says the guest runs
// (`vserver NAME running` exits 0).
func (e *Env) Running(name string) bool {
	v := e.Vserver
	v.Stdout, v.Stderr = io.Discard, io.Discard
	code, err := v.Run(nil, name, "running")
	return err == nil && code == 0
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
// when util-vserver itself starts the guest (the scriptlet path).
func (e *Env) Up(m Managed) (*netns.NS, error) {
	r := &startRun{env: e, m: m}
	if _, err := e.setupPlan(m).runSteps(r); err != nil {
		if r.ns != nil {
			r.ns.Close()
		}
		return nil, err
	}
	r.lock.Release()
	return r.ns, nil
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
