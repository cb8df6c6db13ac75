package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// The steps of a stop of a managed guest, numbered as the test-only fault
// injection counts them (see EnvFault).
const (
	stopStepVserver  = 1 // vserver NAME stop ran inside the namespace
	stopStepLock     = 2 // the namespace lock is held
	stopStepTeardown = 3 // the namespace was torn down (or kept)
)

// Stop runs `vserver NAME stop ARGS...` inside the guest's namespace (or
// plainly when the namespace is gone) and then tears the namespace down when
// nothing uses it any more. It returns the exit code to leave with: the
// wrapped vserver's, or 1 when the teardown failed. When ctx ends (a
// signal: wrapper.NotifyContext), vserver gets the signal (see
// wrapper.Wait) and the namespace is not torn down: the error says so and
// that a later stop removes it; a teardown already under way is finished.
func (e *Env) Stop(ctx context.Context, name string, args []string) (int, error) {
	if err := e.needVserver(); err != nil {
		return 1, err
	}
	m, err := e.resolveForStop(name)
	if err != nil {
		return 1, err
	}
	if m.Group == nil {
		return e.Vserver.Run(ctx, nil, name, append([]string{"stop"}, args...)...)
	}
	code, err := e.stopInside(ctx, m, args)
	if err != nil {
		return code, err
	}
	e.faultAfter(ctx, "stop", stopStepVserver)
	if err := e.interruptedStop(ctx, m); err != nil {
		return 1, err
	}
	if err := e.TeardownIfUnused(ctx, m); err != nil {
		return 1, e.interruptedStop(ctx, m, err)
	}
	if ctx.Err() != nil {
		return code, fmt.Errorf("guest %s: stop %w after the teardown of namespace %s had finished", name, context.Cause(ctx), m.NS())
	}
	return code, nil
}

// interruptedStop is the error of a stop of m whose ctx ended (nil when it
// has not): it names the cause and says that the namespace was left for a
// later stop to remove; errs are what failed because of it.
func (e *Env) interruptedStop(ctx context.Context, m Managed, errs ...error) error {
	if ctx.Err() == nil {
		return errors.Join(errs...)
	}
	return errors.Join(append(errs, fmt.Errorf("guest %s: stop %w; namespace %s may be left: run `vserverx %s stop` again to remove it",
		m.Guest.Name, context.Cause(ctx), m.NS(), m.Guest.Name))...)
}

// resolveForStop is Resolve for stopping: a guest must be stoppable and its
// namespace removable even when its configuration was broken while it ran,
// so problems are reported as a warning, not a refusal. A spaces/net that
// names no valid namespace is refused: neither vserverx nor util-vserver
// could use it.
func (e *Env) resolveForStop(name string) (Managed, error) {
	m, err := e.Resolve(name)
	var problems config.Problems
	if !errors.As(err, &problems) {
		return m, err
	}
	if g := m.Guest; g.SpacesNetInvalid != nil {
		return m, fmt.Errorf("guest %s: %s %w", name, g.File(config.GuestSpacesNet), g.SpacesNetInvalid)
	}
	e.warnf("the configuration of guest %s has problems (stopping anyway):\n  %s",
		name, strings.ReplaceAll(problems.Error(), "\n", "\n  "))
	return Managed{Guest: m.Guest, Group: e.Tree.GroupOf(m.Guest)}, nil
}

// stopInside runs `vserver NAME stop` in the guest's namespace when it
// exists, else plainly (ns is then nil).
func (e *Env) stopInside(ctx context.Context, m Managed, args []string) (int, error) {
	ns, err := netns.Open(e.Paths.NetnsDir, m.NS())
	switch {
	case errors.Is(err, netns.ErrNotExist):
		e.debugf("namespace %s does not exist; running vserver %s stop plainly", m.NS(), m.Guest.Name)
	case err != nil:
		e.warnf("%v; running vserver %s stop plainly", err, m.Guest.Name)
	default:
		defer ns.Close()
	}
	return e.Vserver.Run(ctx, ns, m.Guest.Name, append([]string{"stop"}, args...)...)
}

// TeardownIfUnused removes the namespace of m's group, under its lock, when
// no process lives in it (after a short grace period for util-vserver's
// exiting helpers) and no other member of the group runs. Otherwise it keeps
// the namespace and says who still uses it. Leftovers of a crash (links
// vserverx created, a stale file) are removed too. Safe to call repeatedly.
// The wait for the lock stops when ctx ends.
func (e *Env) TeardownIfUnused(ctx context.Context, m Managed) error {
	x := m.NS()
	lock, err := e.lock(ctx, x)
	if err != nil {
		return err
	}
	defer lock.Release()
	e.faultAfter(ctx, "stop", stopStepLock)
	defer e.faultAfter(ctx, "stop", stopStepTeardown)
	if users := e.namespaceUsers(m); users != "" {
		e.infof("keeping network namespace %s: %s", x, users)
		return nil
	}
	existed := e.namespaceExists(x)
	if err := netns.Teardown(e.Paths.NetnsDir, x); err != nil {
		return err // names the namespace
	}
	if existed {
		e.infof("removed network namespace %s", x)
	}
	return nil
}

// namespaceExists reports whether X is an existing named namespace.
func (e *Env) namespaceExists(x string) bool {
	ns, err := netns.Open(e.Paths.NetnsDir, x)
	if err != nil {
		return false
	}
	ns.Close()
	return true
}

// namespaceUsers describes what still uses m's namespace ("" for nothing):
// other running members of the group and processes living in it.
func (e *Env) namespaceUsers(m Managed) string {
	var why []string
	grace := e.Grace
	if running := e.runningMembers(m); len(running) > 0 {
		why = append(why, "still used by running guest(s) "+strings.Join(running, ", "))
		grace = 0 // kept anyway: no need to wait for exiting helpers
	}
	ns, err := netns.Open(e.Paths.NetnsDir, m.NS())
	if err == nil {
		defer ns.Close()
		if pids := e.waitForEmpty(ns, grace); len(pids) > 0 {
			why = append(why, "processes "+joinInts(pids)+" live in it")
		}
	}
	return strings.Join(why, "; ")
}

// runningMembers lists the members of m's group other than m that run.
func (e *Env) runningMembers(m Managed) []string {
	var running []string
	for _, g := range m.Group.Members {
		if g.Name != m.Guest.Name && e.Running(g.Name) {
			running = append(running, g.Name)
		}
	}
	return running
}

// Restart stops then starts the guest; extra args go to the start.
func (e *Env) Restart(ctx context.Context, name string, args []string) (int, error) {
	code, err := e.Stop(ctx, name, nil)
	if err != nil {
		return code, err
	}
	if code != 0 {
		return code, fmt.Errorf("stopping guest %s failed (exit code %d); not starting it again", name, code)
	}
	return e.Start(ctx, name, args)
}
