// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// ApplyOptions are the flags of `vserverx NAME apply`.
type ApplyOptions struct {
	DryRun   bool // print the changes, make none
	Recreate bool // allow changes that delete an interface and create it again
}

// ErrRecreateRefused is wrapped by the error of an apply that would have to
// recreate an interface without ApplyOptions.Recreate.
var ErrRecreateRefused = errors.New("refusing to recreate interfaces without --recreate")

// ErrNoNamespace is wrapped by the error of an apply to a namespace that
// does not exist (no member of the group runs).
var ErrNoNamespace = errors.New("namespace does not exist")

// ApplyPlan is the difference between namespace X's definition and what X
// holds, as the changes `apply` makes, in order. The same value is printed
// (also by --dry-run) and executed.
type ApplyPlan struct {
	Guest string
	NS    string
	Group []string
	Lock  string // the lock file held while the plan is made and executed

	steps []applyStep
}

// Steps lists the plan's changes in the order they run.
func (p *ApplyPlan) Steps() []Step {
	out := make([]Step, len(p.steps))
	for i, s := range p.steps {
		out[i] = s.Step
	}
	return out
}

// Recreates lists the changes that delete an interface and create it again.
func (p *ApplyPlan) Recreates() []Step {
	var out []Step
	for _, s := range p.steps {
		if s.recreate {
			out = append(out, s.Step)
		}
	}
	return out
}

// Print writes the plan in the numbered form of `vserverx NAME plan`.
func (p *ApplyPlan) Print(w io.Writer) {
	head := fmt.Sprintf("Apply: namespace %s (group %s: %s)", p.NS, p.NS, strings.Join(p.Group, ", "))
	if len(p.steps) == 0 {
		fmt.Fprintf(w, "%s matches its definition: nothing to do\n", head)
		return
	}
	fmt.Fprintf(w, "%s: %d change(s), made under the lock %s\n", head, len(p.steps), p.Lock)
	for i, s := range p.Steps() {
		fmt.Fprintf(w, "%2d. %s\n", i+1, s.Title)
		for _, d := range s.Details {
			fmt.Fprintf(w, "      %s\n", d)
		}
	}
	fmt.Fprintln(w, "On failure: undo the changes made so far, in reverse order. The guests keep running.")
}

// Apply makes the namespace of guest name's group as its definition says
// while the guests run: under the namespace lock it compares the
// definition with what the namespace holds, prints the changes and makes
// them (not with DryRun). Changes that recreate an interface are refused
// without Recreate. When a change fails, those made before it are undone
// in reverse order and named. The guests are never touched.
func (e *Env) Apply(ctx context.Context, name string, opt ApplyOptions) error {
	m, err := e.managed(name)
	if err != nil {
		return err
	}
	lock, err := e.lock(ctx, m.NS())
	if err != nil {
		return err
	}
	defer lock.Release()
	ns, err := e.openForApply(ctx, m)
	if err != nil {
		return err
	}
	defer ns.Close()
	p, err := e.applyPlan(m, ns)
	if err != nil {
		return err
	}
	p.Print(e.Out)
	switch {
	case len(p.steps) == 0:
		return nil
	case opt.DryRun:
		e.infof("dry run: nothing was changed")
		return nil
	case !opt.Recreate && len(p.Recreates()) > 0:
		return recreateRefusal(m, p)
	}
	return p.execute(ctx, e, ns)
}

// openForApply opens m's namespace, which must exist: apply changes a
// running group; start converges a stopped one. A namespace whose name was
// removed while members ran is given its name back first (findLost). The
// caller holds the namespace lock.
func (e *Env) openForApply(ctx context.Context, m Managed) (*netns.NS, error) {
	ns, err := netns.Open(e.Paths.NetnsDir, m.NS())
	if !errors.Is(err, netns.ErrNotExist) && !errors.Is(err, netns.ErrStale) {
		return ns, err
	}
	running, err := e.AskRunning(ctx, m.Group.MemberNames()...)
	if err != nil {
		return nil, err
	}
	lost, err := e.findLost(ctx, m.Group, running)
	switch {
	case errors.Is(err, ErrRunsOutside):
		return nil, fmt.Errorf("%w: %s (%s): %w; 'vserverx %s start' creates it as defined", ErrNoNamespace, m.NS(), e.netnsPath(m.NS()), err, m.Guest.Name)
	case err != nil:
		return nil, err
	case lost == nil:
		return nil, fmt.Errorf("%w: %s (%s): no member of group %s (%s) runs; 'vserverx %s start' creates it as defined",
			ErrNoNamespace, m.NS(), e.netnsPath(m.NS()), m.NS(), strings.Join(m.Group.MemberNames(), ", "), m.Guest.Name)
	}
	if err := e.nameAgain(lost); err != nil {
		lost.ns.Close()
		return nil, err
	}
	return lost.ns, nil
}

// applyPlan observes ns and returns the changes that make it as m's group
// defines it. It changes nothing.
func (e *Env) applyPlan(m Managed, ns *netns.NS) (*ApplyPlan, error) {
	h, err := observe(ns, m.Group.NS)
	if err != nil {
		return nil, err
	}
	d := differ{env: e, def: m.Group.NS, members: m.Group.Members, held: h}
	if err := d.refusal(); err != nil {
		return nil, err
	}
	ruleset, err := e.rulesetApplySteps(ns, m.Group.NS) // first: new interfaces come up filtered
	if err != nil {
		return nil, err
	}
	steps := append(ruleset, d.steps()...)
	if s, ok := e.applyDADStep(m.Group.NS, steps); ok {
		steps = append(steps, s)
	}
	return &ApplyPlan{Guest: m.Guest.Name, NS: m.NS(), Group: m.Group.MemberNames(),
		Lock: LockPath(e.Paths.StateDir, m.NS()), steps: steps}, nil
}

// observe reads what ns holds of vserverx's links and of def's sysctls,
// and its routes and rules.
func observe(ns *netns.NS, def *config.Namespace) (held, error) {
	links, err := netns.ObserveLinks(ns)
	if err != nil {
		return held{}, err
	}
	sysctls, err := netns.ReadSysctls(ns, def.Sysctls)
	if err != nil {
		return held{}, err
	}
	routing, err := netns.ObserveRouting(ns)
	if err != nil {
		return held{}, err
	}
	return held{links: links, sysctls: sysctls, routing: routing}, nil
}

// recreateRefusal is the error of an apply that needs --recreate.
func recreateRefusal(m Managed, p *ApplyPlan) error {
	var titles []string
	for _, s := range p.steps {
		if s.recreate {
			titles = append(titles, fmt.Sprintf("interface %d (%s)", s.num, joinSemi(s.why)))
		}
	}
	return fmt.Errorf("namespace %s: %w: %s; connections on these interfaces would break. Nothing was changed; to do it, run: vserverx %s apply --recreate",
		m.NS(), ErrRecreateRefused, strings.Join(titles, "; "), m.Guest.Name)
}

// execute makes the plan's changes in order. When one fails (or ctx ends),
// what the failing one left is undone, then the changes made before it, in
// reverse order, each named as it is restored.
func (p *ApplyPlan) execute(ctx context.Context, e *Env, ns *netns.NS) error {
	var done []undoEntry
	for i, s := range p.steps {
		undo, err := netns.Undo(netns.NoUndo), ctx.Err()
		if err == nil {
			undo, err = s.do(ctx, ns)
		}
		if err != nil {
			e.warnf("apply to namespace %s: change %d failed: %v", p.NS, i+1, err)
			if uerr := undo(); uerr != nil {
				e.warnf("could not undo what change %d left: %v", i+1, uerr)
			}
			restored := e.undoApplied(done)
			return fmt.Errorf("namespace %s: change %d (%s) failed; %s; the guests kept running: %w", p.NS, i+1, s.Title, restored, err)
		}
		done = append(done, undoEntry{s.Title, undo})
		e.infof("done %d. %s", i+1, s.Title)
	}
	e.infof("namespace %s now matches its definition", p.NS)
	return nil
}

// undoApplied undoes done, newest first, names each change as it is
// restored, and sums up what it restored.
func (e *Env) undoApplied(done []undoEntry) string {
	failed := 0
	for i := len(done) - 1; i >= 0; i-- {
		if err := done[i].undo(); err != nil {
			e.warnf("could not restore %q: %v", done[i].title, err)
			failed++
			continue
		}
		e.warnf("restored: %s", done[i].title)
	}
	if failed > 0 {
		return fmt.Sprintf("%d of the %d change(s) made before it could NOT be restored (see above)", failed, len(done))
	}
	return fmt.Sprintf("restored the %d change(s) made before it, in reverse order", len(done))
}

// Drift lists how the namespace of group grp differs from its definition
// (the titles of the changes `apply` would make), nil when it matches or
// does not exist. It changes nothing.
func (e *Env) Drift(grp *config.Group) ([]string, error) {
	ns, err := netns.Open(e.Paths.NetnsDir, grp.NS.Name)
	if errors.Is(err, netns.ErrNotExist) || errors.Is(err, netns.ErrStale) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	return e.driftIn(ns, grp)
}

// driftIn is Drift on the open namespace ns.
func (e *Env) driftIn(ns *netns.NS, grp *config.Group) ([]string, error) {
	h, err := observe(ns, grp.NS)
	if err != nil {
		return nil, err
	}
	ruleset, err := e.rulesetApplySteps(ns, grp.NS)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range append(ruleset, (differ{env: e, def: grp.NS, members: grp.Members, held: h}).steps()...) {
		out = append(out, s.Title)
	}
	return out, nil
}

// DriftText is the one-line report of drift for status and check.
func DriftText(x, guest string, drift []string) string {
	return fmt.Sprintf("namespace %s differs from its definition: %s; run vserverx %s apply --dry-run", x, strings.Join(drift, "; "), guest)
}

// joinSemi joins parts with "; ".
func joinSemi(parts []string) string { return strings.Join(parts, "; ") }

// joinFields joins the words of s with one space.
func joinFields(s string) string { return strings.Join(strings.Fields(s), " ") }
