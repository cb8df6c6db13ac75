// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/vspace"
	"github.com/vserverx/vserverx/wrapper"
)

// Step is one numbered line of a plan: what `plan` prints for it.
type Step struct {
	Title   string
	Details []string
}

// Plan is the ordered list of steps that starts one managed guest. The same
// Plan value is printed by `plan` (Steps) and executed by `start`, so the
// two cannot drift apart. The steps say what they read and produce: the
// lock is held around the others, the namespace step produces the
// namespace, every later step acts in it and returns its undo.
type Plan struct {
	Guest  string
	NS     string
	Group  []string // every member of the group
	Checks []string // what was verified before the plan was made
	// Warnings are the warnings among the guest's network problems
	// (GuestNetworkProblems); GuestAddrs the addresses util-vserver adds
	// inside the namespace from the members' interfaces/. For printing.
	Warnings, GuestAddrs []string

	lock      lockStep      // step 1: taken before the others run
	namespace namespaceStep // creates or joins the namespace the later steps act in
	inside    []insideStep  // interfaces, sysctls, vprocunhide
	vserver   *vserverStep  // nil in the plan of Up, which starts no guest
}

// lockStep takes the namespace lock. Its "undo" is the release, which
// happens once vserver runs inside the namespace, or when the plan ends.
type lockStep struct {
	Step
	take func(ctx context.Context) (*Lock, error)
}

// namespaceStep creates or joins the namespace. On failure it still
// returns the namespace and the undo when it got that far.
type namespaceStep struct {
	Step
	open func() (*netns.NS, netns.Undo, error)
}

// insideStep changes something inside the namespace and returns how to
// undo it (netns.NoUndo when it changed nothing), also on failure.
type insideStep struct {
	Step
	do func(ctx context.Context, ns *netns.NS) (netns.Undo, error)
}

// vserverStep starts the wrapped vserver inside the namespace.
type vserverStep struct {
	Step
	start func(ns *netns.NS) (*exec.Cmd, error)
}

// Steps lists the plan's steps in the order they run.
func (p *Plan) Steps() []Step {
	steps := []Step{p.lock.Step, p.namespace.Step}
	for _, s := range p.inside {
		steps = append(steps, s.Step)
	}
	if p.vserver != nil {
		steps = append(steps, p.vserver.Step)
	}
	return steps
}

// Print writes the plan in the form `vserverx NAME plan` shows.
func (p *Plan) Print(w io.Writer) {
	fmt.Fprintf(w, "Plan: start guest %s in network namespace %s (group %s: %s)\n",
		p.Guest, p.NS, p.NS, strings.Join(p.Group, ", "))
	for _, c := range p.Checks {
		fmt.Fprintf(w, "  checked: %s\n", c)
	}
	p.printNetworkChecks(w)
	for i, s := range p.Steps() {
		fmt.Fprintf(w, "%2d. %s\n", i+1, s.Title)
		for _, d := range s.Details {
			fmt.Fprintf(w, "      %s\n", d)
		}
	}
	fmt.Fprintf(w, "On failure: undo what this start created, in reverse order, unless another process already lives in %s.\n", p.NS)
}

// StartPlan builds the plan that starts guest m with the extra vserver
// arguments args, with the checks made before it (for printing). It
// changes nothing.
func (e *Env) StartPlan(m Managed, args []string) *Plan {
	p := e.startPlan(m, args)
	p.Checks = e.planChecks(m)
	e.networkChecks(p, m)
	return p
}

// startPlan is StartPlan without the checks, which Start makes itself
// before it executes the plan.
func (e *Env) startPlan(m Managed, args []string) *Plan {
	p := e.setupPlan(m)
	p.vserver = e.vserverStep(m, args)
	return p
}

// setupPlan has the steps that set m's namespace up (lock, create or join,
// interfaces, routes and rules, sysctls, vprocunhide), without running vserver. It reads
// nothing and changes nothing.
func (e *Env) setupPlan(m Managed) *Plan {
	def := m.Group.NS
	p := &Plan{
		Guest: m.Guest.Name, NS: def.Name, Group: m.Group.MemberNames(),
		lock:      e.lockStep(def.Name),
		namespace: e.namespaceStep(def),
	}
	if def.Nftables != "" {
		p.inside = append(p.inside, e.rulesetStep(def))
	}
	for i := range def.Interfaces {
		p.inside = append(p.inside, e.interfaceStep(def, &def.Interfaces[i]))
	}
	if s, ok := e.acdStep(def); ok {
		p.inside = append(p.inside, s)
	}
	if s, ok := e.dadStep(def); ok {
		p.inside = append(p.inside, s)
	}
	if s, ok := routingStep(def); ok {
		p.inside = append(p.inside, s)
	}
	if len(def.Sysctls) > 0 {
		p.inside = append(p.inside, sysctlStep(def))
	}
	if s, ok := e.vprocunhideStep(def); ok {
		p.inside = append(p.inside, s)
	}
	return p
}

// planChecks lists what was verified before the plan was made, with the
// result of the setup check (start refuses when it fails).
func (e *Env) planChecks(m Managed) []string {
	x := m.NS()
	setup := "ok"
	if problems := e.Setup.Check(m.Guest, x); len(problems) > 0 {
		setup = fmt.Sprintf("NOT OK, %d problem(s): start refuses until `vserverx %s setup` is run", len(problems), m.Guest.Name)
	}
	return []string{
		fmt.Sprintf("configuration of guest %s and namespace %s (%s): ok", m.Guest.Name, x, nsSource(m.Group.NS)),
		fmt.Sprintf("scriptlets in %s/scripts and %s in %s: %s", m.Guest.Dir, e.netnsPath(x), m.Guest.File("namespace-cleanup-skip"), setup),
		"util-vserver's vserver: " + e.vserverText(),
	}
}

// vserverText is the vserver command's path, or why it was not found.
func (e *Env) vserverText() string {
	if err := e.needVserver(); err != nil {
		return "NOT FOUND: " + err.Error()
	}
	return e.Vserver.Path
}

// vserverPathOrName is the vserver command's path, or "vserver" when it
// was not found (for printing plans).
func (e *Env) vserverPathOrName() string {
	if e.Vserver.Path == "" {
		return "vserver"
	}
	return e.Vserver.Path
}

func nsSource(def *config.Namespace) string {
	if def.Defined {
		return def.Dir
	}
	return "implicit: spaces/net names the guest itself, no interfaces"
}

func (e *Env) netnsPath(x string) string { return e.Paths.NetnsDir + "/" + x }

// lockStep takes the namespace lock, giving up after LockTimeout or when
// ctx ends.
func (e *Env) lockStep(x string) lockStep {
	return lockStep{
		Step: Step{Title: fmt.Sprintf("lock namespace %s: %s (wait up to %s)", x, LockPath(e.Paths.StateDir, x), e.LockTimeout)},
		take: func(ctx context.Context) (*Lock, error) { return e.lock(ctx, x) },
	}
}

// namespaceStep creates or joins the named namespace and brings lo up.
func (e *Env) namespaceStep(def *config.Namespace) namespaceStep {
	return namespaceStep{
		Step: Step{Title: fmt.Sprintf("create network namespace %s at %s, or join it if it exists; set lo up", def.Name, e.netnsPath(def.Name))},
		open: func() (*netns.NS, netns.Undo, error) {
			ns, created, undo, err := netns.Ensure(e.Paths.NetnsDir, def.Name)
			if err != nil {
				return nil, undo, err
			}
			e.reportNamespace(ns, created)
			loUndo, err := netns.SetLoUp(ns)
			if err != nil {
				return ns, undo, err
			}
			return ns, netns.Chain(undo, loUndo), nil
		},
	}
}

// reportNamespace says whether the namespace step created or joined ns,
// and which stale file it replaced.
func (e *Env) reportNamespace(ns *netns.NS, created bool) {
	if ns.Replaced != "" {
		e.warnf("replaced a stale file: %s", ns.Replaced)
	}
	if created {
		e.infof("created network namespace %s", ns.Name)
	} else {
		e.debugf("joined existing network namespace %s", ns.Name)
	}
}

// interfaceStep converges one interface.
func (e *Env) interfaceStep(def *config.Namespace, ifc *config.Interface) insideStep {
	return insideStep{
		Step: Step{
			Title:   fmt.Sprintf("interface %d (%s): %s", ifc.Num, ifc.Dir, describeLink(ifc)),
			Details: interfaceDetails(def, ifc),
		},
		do: func(_ context.Context, ns *netns.NS) (netns.Undo, error) {
			change, undo, err := netns.EnsureInterface(ns, def, ifc)
			if err != nil {
				return undo, err
			}
			e.reportChange(def.Name, ifc, change)
			return undo, nil
		},
	}
}

func (e *Env) reportChange(x string, ifc *config.Interface, c netns.Change) {
	switch c {
	case netns.Created:
		e.infof("created %s %s in %s", ifc.Type, ifc.Name, x)
	case netns.Repaired:
		e.infof("repaired %s %s in %s", ifc.Type, ifc.Name, x)
	default:
		e.debugf("%s %s in %s is as configured", ifc.Type, ifc.Name, x)
	}
}

// describeLink is the one-line summary of how an interface is made.
func describeLink(ifc *config.Interface) string {
	switch ifc.Type {
	case config.TypeVLAN:
		return fmt.Sprintf("vlan %d on %s, named %s inside", ifc.VLAN, ifc.Link, ifc.Name)
	case config.TypeMacvlan:
		return fmt.Sprintf("macvlan (mode %s) on %s, named %s inside", ifc.Mode, ifc.Link, ifc.Name)
	case config.TypeIPVlan:
		return fmt.Sprintf("ipvlan (mode %s, %s) on %s, named %s inside", ifc.IPVlanMode, ifc.IPVlanFlag, ifc.Link, ifc.Name)
	case config.TypeVeth:
		s := fmt.Sprintf("veth pair %s (host) / %s (inside)", ifc.Host, ifc.Name)
		if ifc.Bridge != "" {
			s += ", host side in bridge " + ifc.Bridge
		}
		return s
	case config.TypePhys:
		return fmt.Sprintf("host device %s moved in, named %s inside", ifc.Link, ifc.Name)
	}
	return string(ifc.Type)
}

// interfaceDetails lists the MAC, MTU, addresses and routes of a link.
func interfaceDetails(def *config.Namespace, ifc *config.Interface) []string {
	var d []string
	if ifc.Type == config.TypePhys {
		d = append(d, fmt.Sprintf("move %s into %s, rename it to %s (back to %s at teardown)", ifc.Link, def.Name, ifc.Name, ifc.Link))
	} else {
		d = append(d, fmt.Sprintf("create directly inside %s under a temporary name%s, rename to %s", def.Name, parentText(ifc), ifc.Name))
	}
	d = append(d, fmt.Sprintf("MAC %s, alias %s, MTU %s", macText(ifc), def.Alias(ifc.Num), mtuText(ifc.MTU)))
	if ifc.Type == config.TypeVeth {
		d = append(d, fmt.Sprintf("host side %s: MAC %s, UP", ifc.Host, macOrKeep(ifc.HostMAC)))
	}
	d = append(d, "addresses: "+listOrNone(prefixes(ifc)))
	d = append(d, "default routes via: "+listOrNone(gateways(ifc)))
	d = append(d, "set UP")
	return d
}

// parentText names the host device a link hangs off, if any.
func parentText(ifc *config.Interface) string {
	if ifc.Type == config.TypeVeth {
		return " (its peer on the host under a temporary name too, renamed to " + ifc.Host + " once it carries the alias)"
	}
	return " on " + ifc.Link
}

func macText(ifc *config.Interface) string {
	if ifc.Type == config.TypeIPVlan {
		return "of its parent " + ifc.Link + " (an ipvlan has no MAC of its own)"
	}
	s := macOrKeep(ifc.MAC)
	if ifc.MACAuto && ifc.MAC != nil {
		s += " (generated)"
	}
	return s
}

func macOrKeep(mac net.HardwareAddr) string {
	if mac == nil {
		return "unchanged"
	}
	return mac.String()
}

func mtuText(mtu int) string {
	if mtu == 0 {
		return "default"
	}
	return fmt.Sprint(mtu)
}

func prefixes(ifc *config.Interface) []string {
	s := make([]string, len(ifc.Addrs))
	for i, a := range ifc.Addrs {
		s[i] = a.String()
	}
	return s
}

func gateways(ifc *config.Interface) []string {
	s := make([]string, len(ifc.Gateways))
	for i, g := range ifc.Gateways {
		s[i] = g.String()
	}
	return s
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// sysctlStep applies the namespace's sysctl/ files inside it.
func sysctlStep(def *config.Namespace) insideStep {
	var d []string
	for _, s := range def.Sysctls {
		d = append(d, fmt.Sprintf("%s = %s (%s)", s.Key, s.Value, s.File))
	}
	return insideStep{
		Step: Step{Title: fmt.Sprintf("apply %d sysctl setting(s) inside %s", len(def.Sysctls), def.Name), Details: d},
		do: func(_ context.Context, ns *netns.NS) (netns.Undo, error) {
			return netns.ApplySysctls(ns, def.Sysctls)
		},
	}
}

// vprocunhideStep runs util-vserver's vprocunhide inside the namespace so
// guests see its /proc/net entries. It changes nothing vserverx could undo.
func (e *Env) vprocunhideStep(def *config.Namespace) (insideStep, bool) {
	if def.NoVprocunhide || e.Paths.Vprocunhide == "" {
		return insideStep{}, false
	}
	path := e.Paths.Vprocunhide
	return insideStep{
		Step: Step{Title: fmt.Sprintf("run %s inside %s", path, def.Name)},
		do: func(ctx context.Context, ns *netns.NS) (netns.Undo, error) {
			return netns.NoUndo, e.runVprocunhide(ctx, ns, path)
		},
	}, true
}

// runVprocunhide runs the vprocunhide at path inside ns and waits for it.
// When ctx ends while it runs, it gets the signal (wrapper.Wait) and the
// step fails, whatever vprocunhide answered.
func (e *Env) runVprocunhide(ctx context.Context, ns *netns.NS, path string) error {
	cmd := exec.Command(path)
	cmd.Stdout, cmd.Stderr = e.Err, e.Err
	cmd.Env = e.Vserver.Environ(ns.Name)
	if err := netns.StartIn(ns, cmd, netns.ExecOptions{RSlave: true}); err != nil {
		return fmt.Errorf("running %s in namespace %s: %w", path, ns.Name, err)
	}
	err := wrapper.Wait(ctx, cmd)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%w while %s ran in namespace %s", context.Cause(ctx), path, ns.Name)
	case err != nil:
		return fmt.Errorf("%s in namespace %s failed: %s", path, ns.Name, failure(err))
	}
	return nil
}

// vserverStep starts util-vserver's `vserver NAME start` inside the
// namespace; the lock is released once the child runs there.
func (e *Env) vserverStep(m Managed, args []string) *vserverStep {
	argv := append([]string{e.vserverPathOrName(), m.Guest.Name, "start"}, args...)
	return &vserverStep{
		Step: Step{
			Title: fmt.Sprintf("run %s inside %s", shellJoin(argv), m.NS()),
			Details: []string{
				fmt.Sprintf("environment %s=%s; own mount namespace with / made rslave", vspace.EnvNetns, m.NS()),
				"release the lock once it runs there; wait for it and exit with its code",
			},
		},
		start: func(ns *netns.NS) (*exec.Cmd, error) {
			return e.Vserver.Start(ns, m.Guest.Name, append([]string{"start"}, args...)...)
		},
	}
}

// shellJoin joins words for display, quoting those that need it.
func shellJoin(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n'\"\\$`;&|<>*?()[]{}~#") {
			w = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		out[i] = w
	}
	return strings.Join(out, " ")
}
