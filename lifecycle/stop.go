// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
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
// nothing uses it any more. A vserver that exits non-zero is a
// *wrapper.ExitStatus carrying its status (the teardown is still tried); a
// failed teardown is an error of its own. When ctx ends (a signal:
// wrapper.NotifyContext), vserver gets the signal (see wrapper.Wait) and
// the namespace is not torn down: the error says so and that a later stop
// removes it; a teardown already under way is finished.
func (e *Env) Stop(ctx context.Context, name string, args []string) error {
	m, err := e.resolveForStop(name)
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
		return e.Vserver.Run(ctx, netns.Own(), name, append([]string{"stop"}, args...)...)
	}
	status := e.stopInside(ctx, m, args)
	if _, ok := wrapper.StatusOf(status); !ok {
		return status
	}
	e.faultAfter(ctx, "stop", stopStepVserver)
	if err := e.interruptedStop(ctx, m); err != nil {
		return err
	}
	if err := e.TeardownIfUnused(ctx, m); err != nil {
		return e.interruptedStop(ctx, m, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("guest %s: stop %w after the teardown of namespace %s had finished", name, context.Cause(ctx), m.NS())
	}
	return status
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
		return m, fmt.Errorf("guest %s: %s names no valid namespace:\n%w", name, g.File(config.GuestSpacesNet), problems.Errors())
	}
	e.warnf("the configuration of guest %s has problems (stopping anyway):\n  %s",
		name, strings.ReplaceAll(problems.Error(), "\n", "\n  "))
	return Managed{Guest: m.Guest, Group: e.Tree.GroupOf(m.Guest)}, nil
}

// stopInside runs `vserver NAME stop` in the guest's namespace when it
// exists, else plainly (ns is then nil).
func (e *Env) stopInside(ctx context.Context, m Managed, args []string) error {
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

// TeardownIfUnused removes the namespace of m's group when no process lives
// in it any more. The namespace itself decides: a member of the group that
// runs outside it (started before vserverx managed it) does not keep it, and
// is named in a warning, since removing the namespace cannot touch it.
//
// Processes that started less than the grace period ago may be
// util-vserver's exiting helpers: without the lock, stop waits up to the
// grace period for them to go; an older process keeps the namespace at
// once. Then, under the lock, it looks once more (no waiting) and tears
// down: the links vserverx created, the bind mount, the file. So the lock
// is held for a moment, however many members stop at once. When the
// namespace is kept, the running members are asked (one util-vserver run)
// to say who keeps it. Leftovers of a crash (links vserverx created, a
// stale file) are removed too. Safe to call repeatedly. The wait for the
// lock stops when ctx ends.
func (e *Env) TeardownIfUnused(ctx context.Context, m Managed) error {
	x := m.NS()
	if pids := e.settle(x); len(pids) > 0 {
		e.keep(m, pids)
		return nil
	}
	outside := e.runningMembers(m)
	pids, existed, err := e.teardownIfEmpty(ctx, x)
	if err != nil {
		return err
	}
	if len(pids) > 0 {
		e.keep(m, pids)
		return nil
	}
	if len(outside) > 0 {
		e.warnf("guest(s) %s of group %s run outside namespace %s (started before vserverx managed them); removing %s does not touch them: stop and start them with vserverx",
			strings.Join(outside, ", "), x, x, x)
	}
	if existed {
		e.infof("removed network namespace %s", x)
	}
	return nil
}

// teardownIfEmpty takes the lock of namespace x and, when no process lives
// in it (looked at once, no grace), tears it down. It returns the
// processes found instead, and whether x existed.
func (e *Env) teardownIfEmpty(ctx context.Context, x string) (pids []int, existed bool, err error) {
	lock, err := e.lock(ctx, x)
	if err != nil {
		return nil, false, err
	}
	defer lock.Release()
	e.faultAfter(ctx, "stop", stopStepLock)
	defer e.faultAfter(ctx, "stop", stopStepTeardown)
	ns, err := netns.Open(e.Paths.NetnsDir, x)
	if err == nil {
		existed = true
		pids = e.pidsIn(ns)
		ns.Close()
		if len(pids) > 0 {
			return pids, true, nil
		}
	}
	if err := netns.Teardown(e.Paths.NetnsDir, x); err != nil { // names the namespace
		return nil, existed, err
	}
	return nil, existed, e.forgetRecord(x)
}

// settle waits, for up to the grace period, until namespace x holds no
// process other than this one, and returns those still there. It stops
// waiting at once when a process in x started longer ago than the grace
// period: that is no exiting helper of util-vserver, it keeps x anyway.
// A missing namespace holds nothing.
func (e *Env) settle(x string) []int {
	ns, err := netns.Open(e.Paths.NetnsDir, x)
	if err != nil {
		return nil
	}
	defer ns.Close()
	deadline := time.Now().Add(e.Grace)
	for {
		pids := e.pidsIn(ns)
		if len(pids) == 0 || time.Now().After(deadline) || anyOlder(pids, e.Grace) {
			return pids
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pidsIn lists the processes in ns other than this one; a failure to list
// them is a warning (and counts as none).
func (e *Env) pidsIn(ns *netns.NS) []int {
	pids, err := pidsBesidesUs(ns)
	if err != nil {
		e.warnf("listing processes in namespace %s: %v", ns.Name, err)
	}
	return pids
}

// keep reports that m's namespace stays and who keeps it: the processes in
// it, and the other members of the group. Which of them run is asked of
// util-vserver only with --verbose: that question costs a bash run of
// util-vserver that checks every member, and a stop that keeps the
// namespace should cost no more than a plain `vserver NAME stop`.
func (e *Env) keep(m Managed, pids []int) {
	why := "processes " + joinInts(pids) + " live in it"
	switch others := otherMembers(m.Group, m.Guest.Name); {
	case len(others) == 0:
	case e.Verbose:
		if running := e.runningMembers(m); len(running) > 0 {
			why = "still used by running guest(s) " + strings.Join(running, ", ") + "; " + why
		}
	default:
		why += fmt.Sprintf(" (other members of group %s: %s; `vserverx list` shows which run)", m.NS(), strings.Join(others, ", "))
	}
	e.infof("keeping network namespace %s: %s", m.NS(), why)
}

// runningMembers lists the members of m's group other than m that run
// (one question to util-vserver for all of them).
func (e *Env) runningMembers(m Managed) []string {
	others := otherMembers(m.Group, m.Guest.Name)
	state := e.RunningGuests(others...)
	var running []string
	for _, g := range others {
		if state[g] {
			running = append(running, g)
		}
	}
	return running
}

// Restart stops then starts the guest; extra args go to the start. A stop
// that fails ends it: the guest is not started again.
func (e *Env) Restart(ctx context.Context, name string, args []string) error {
	err := e.Stop(ctx, name, nil)
	if code, ok := wrapper.StatusOf(err); ok && code != 0 {
		return fmt.Errorf("stopping guest %s failed (exit code %d); not starting it again: %w", name, code, err)
	}
	if err != nil {
		return err
	}
	return e.Start(ctx, name, args)
}
