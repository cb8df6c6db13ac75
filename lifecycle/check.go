// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// CheckGuest returns everything `check` reports for guest name, errors and
// warnings: its files and its namespace's definition (config.Tree.Check),
// the conflicts of that definition with the others (config.Tree.Conflicts),
// what the kernel would refuse (KernelProblems), when the definition has no
// error its nftables ruleset as nft -c -f sees it (RulesetProblems), what
// util-vserver will do
// with its own interfaces/ and scriptlets managing namespaces
// (GuestNetworkProblems), what `setup` would fix, and guests bypassing the
// host-wide mount protection. An unknown guest is one problem naming
// CONFDIR/NAME.
func (e *Env) CheckGuest(ctx context.Context, name string) config.Problems {
	return e.checkGuest(ctx, name, &checkMemo{})
}

// checkMemo keeps what several guests' checks share, so that check-all
// asks the kernel once per namespace and reads the scriptlets once.
type checkMemo struct {
	kernel    map[string]config.Problems // per namespace
	ruleset   map[string]config.Problems // per namespace
	bypassing config.Problems
	bypassed  bool // bypassing was computed
}

func (e *Env) checkGuest(ctx context.Context, name string, memo *checkMemo) config.Problems {
	problems := e.Tree.Check(name)
	configOK := len(problems.Errors()) == 0
	g, err := e.Tree.Guest(name)
	if err != nil {
		return problems
	}
	problems = append(problems, e.GuestNetworkProblems(g)...)
	grp := e.Tree.GroupOf(g)
	if grp == nil {
		return problems
	}
	problems = append(problems, e.Tree.Conflicts(grp.NS.Name)...)
	problems = append(problems, memo.kernelProblems(e, grp)...)
	if configOK {
		problems = append(problems, memo.rulesetProblems(ctx, e, grp.NS)...)
	}
	problems = append(problems, e.Setup.Check(g, grp.NS.Name)...)
	return append(problems, memo.bypassingGuests(e)...)
}

// kernelProblems is KernelProblems of grp, once per namespace.
func (m *checkMemo) kernelProblems(e *Env, grp *config.Group) config.Problems {
	if ps, ok := m.kernel[grp.NS.Name]; ok {
		return ps
	}
	if m.kernel == nil {
		m.kernel = map[string]config.Problems{}
	}
	m.kernel[grp.NS.Name] = e.KernelProblems(grp)
	return m.kernel[grp.NS.Name]
}

// rulesetProblems is RulesetProblems of ns, once per namespace.
func (m *checkMemo) rulesetProblems(ctx context.Context, e *Env, ns *config.Namespace) config.Problems {
	if ps, ok := m.ruleset[ns.Name]; ok {
		return ps
	}
	if m.ruleset == nil {
		m.ruleset = map[string]config.Problems{}
	}
	m.ruleset[ns.Name] = e.RulesetProblems(ctx, ns)
	return m.ruleset[ns.Name]
}

// bypassingGuests are the guests bypassing the host-wide mount protection
// (vspace.Setup.Bypassing), read once.
func (m *checkMemo) bypassingGuests(e *Env) config.Problems {
	if !m.bypassed {
		m.bypassing, m.bypassed = e.Setup.Bypassing(e.Tree.Guests()), true
	}
	return m.bypassing
}

// CheckAll returns everything `check-all` reports: exactly the union of
// every guest's CheckGuest and the rules that span the confdir
// (config.Tree.CheckAll: every namespace definition, also those no guest
// uses, with its ruleset and what the kernel would refuse, and conflicts
// between definitions), each problem once, in that order.
func (e *Env) CheckAll(ctx context.Context) config.Problems {
	memo := &checkMemo{}
	var all config.Problems
	for _, g := range e.Tree.Guests() {
		all = append(all, e.checkGuest(ctx, g.Name, memo)...)
	}
	all = append(all, e.Tree.CheckAll()...)
	for _, grp := range e.Tree.Groups() {
		all = append(all, memo.kernelProblems(e, grp)...)
		if len(e.Tree.CheckGroup(grp.NS.Name).Errors()) == 0 {
			all = append(all, memo.rulesetProblems(ctx, e, grp.NS)...)
		}
	}
	return Dedup(all)
}

// Dedup returns ps without repetitions (same file, message and severity),
// keeping the first of each.
func Dedup(ps config.Problems) config.Problems {
	seen := map[config.Problem]bool{}
	var out config.Problems
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// DriftProblem is a warning when the running namespace of guest g's group
// differs from its definition (see Drift), naming the definition
// directory, and one naming the routes and rules nobody defined there; nil
// when neither, when g is not managed, or when the namespace does not
// exist. Reading the namespace needs root: without it
// nothing is said; as root, a failure to read it is a warning too.
func (e *Env) DriftProblem(g *config.Guest) config.Problems {
	grp := e.Tree.GroupOf(g)
	if grp == nil || config.ValidateNamespaceName(grp.NS.Name) != nil {
		return nil // an invalid name is a problem of its own
	}
	drift, err := e.Drift(grp)
	switch {
	case err != nil && os.Geteuid() == 0:
		return config.Problems{{File: grp.NS.Dir, Severity: config.SeverityWarning,
			Msg: fmt.Sprintf("cannot compare namespace %s with its definition: %v", grp.NS.Name, err)}}
	case err != nil:
		return nil
	case len(drift) == 0:
		return e.undefinedRoutingProblem(grp)
	}
	ps := config.Problems{{File: grp.NS.Dir, Severity: config.SeverityWarning, Msg: DriftText(grp.NS.Name, g.Name, drift)}}
	return append(ps, e.undefinedRoutingProblem(grp)...)
}

// undefinedRoutingProblem is a warning naming the routes and rules in
// grp's running namespace that someone other than vserverx added and the
// definition does not explain (UndefinedRouting).
func (e *Env) undefinedRoutingProblem(grp *config.Group) config.Problems {
	items, err := e.UndefinedRouting(grp)
	if err != nil || len(items) == 0 {
		return nil
	}
	return config.Problems{{File: grp.NS.Dir, Severity: config.SeverityWarning, Msg: UndefinedRoutingText(grp.NS.Name, items)}}
}

// DriftAll is DriftProblem for every managed namespace of the confdir that
// has members, named after its first member.
func (e *Env) DriftAll() config.Problems {
	var ps config.Problems
	for _, grp := range e.Tree.Groups() {
		if len(grp.Members) > 0 {
			ps = append(ps, e.DriftProblem(grp.Members[0])...)
		}
	}
	return ps
}

// KernelProblems are the values of group grp's definition that the kernel
// or start would refuse and that can be found before: a host device that
// is not there (the parent of a vlan, macvlan or ipvlan, a phys device
// unless the group runs and holds it, a veth's bridge, or a bridge that is
// not one), a vlan or macvlan MTU above its parent's (read on the host), a
// sysctl that no network namespace has or a value it cannot hold (tried
// in a throwaway namespace: as root only, since making one needs it). The
// words are those of the start that would fail.
func (e *Env) KernelProblems(grp *config.Group) config.Problems {
	var ps config.Problems
	running := e.namespaceExists(grp.NS.Name)
	for i := range grp.NS.Interfaces {
		ifc := &grp.NS.Interfaces[i]
		ps = append(ps, hostDeviceProblems(ifc, running)...)
		ps = append(ps, bridgeProblems(ifc)...)
	}
	return append(ps, e.sysctlProblems(grp.NS)...)
}

// namespaceExists reports whether the named namespace x is there.
func (e *Env) namespaceExists(x string) bool {
	_, err := os.Stat(e.netnsPath(x))
	return err == nil
}

// hostDeviceProblems checks the host device of ifc (its parent, or the
// device a phys interface moves in): an error when it does not exist or
// its MTU is below ifc's. A phys device is inside X while the group runs
// (running), so it is only looked for on the host when it does not.
func hostDeviceProblems(ifc *config.Interface, running bool) config.Problems {
	if ifc.Link == "" || ifc.Type == config.TypeVeth || (ifc.Type == config.TypePhys && running) {
		return nil
	}
	dev, exists, err := netns.LookupHostDevice(ifc.Link)
	switch {
	case err != nil:
		return config.Problems{{File: ifc.File(config.KeyLink), Severity: config.SeverityWarning, Msg: err.Error()}}
	case !exists:
		return config.Problems{{File: ifc.File(config.KeyLink), Msg: config.MissingHostDevice(ifc).Error()}}
	}
	if err := config.MTUAboveParent(ifc, dev.MTU); err != nil {
		return config.Problems{{File: ifc.File(config.KeyMTU), Msg: err.Error()}}
	}
	return nil
}

// bridgeProblems checks the host bridge of a veth: an error when it does
// not exist or is not a bridge.
func bridgeProblems(ifc *config.Interface) config.Problems {
	if ifc.Type != config.TypeVeth || ifc.Bridge == "" {
		return nil
	}
	dev, exists, err := netns.LookupHostDevice(ifc.Bridge)
	switch {
	case err != nil:
		return config.Problems{{File: ifc.File(config.KeyBridge), Severity: config.SeverityWarning, Msg: err.Error()}}
	case !exists:
		return config.Problems{{File: ifc.File(config.KeyBridge), Msg: config.MissingBridge(ifc, "").Error()}}
	case dev.Kind != "bridge":
		return config.Problems{{File: ifc.File(config.KeyBridge), Msg: config.MissingBridge(ifc, dev.Kind).Error()}}
	}
	return nil
}

// sysctlProblems tries ns's sysctls in a throwaway namespace (as root).
func (e *Env) sysctlProblems(ns *config.Namespace) config.Problems {
	if os.Geteuid() != 0 || len(ns.Sysctls) == 0 {
		return nil
	}
	var names []string
	for _, ifc := range ns.Interfaces {
		names = append(names, ifc.Name)
	}
	refused, err := netns.ProbeSysctls(ns.Sysctls, names)
	if err != nil {
		return config.Problems{{File: filepath.Join(ns.Dir, config.NSSysctl), Severity: config.SeverityWarning, Msg: err.Error()}}
	}
	var ps config.Problems
	for _, r := range refused {
		ps = append(ps, config.Problem{File: r.Sysctl.File, Msg: r.Err.Error()})
	}
	return ps
}
