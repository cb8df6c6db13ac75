// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
)

// Status is what `vserverx NAME status` shows.
type Status struct {
	Guest         string             `json:"guest"`
	Managed       bool               `json:"managed"`
	Namespace     string             `json:"namespace,omitempty"`
	NetnsPath     string             `json:"netns_path,omitempty"`
	Exists        bool               `json:"namespace_exists"`
	Interfaces    []netns.LinkStatus `json:"interfaces,omitempty"`
	Pids          []int              `json:"pids,omitempty"`
	Members       []MemberState      `json:"members,omitempty"`
	Running       bool               `json:"running"`
	VserverCode   int                `json:"vserver_status_code"`
	VserverOutput string             `json:"vserver_status"`
	Problems      []string           `json:"problems,omitempty"`

	// NamelessIn lists, when the namespace has no name (ip netns del)
	// but lives on, the running members whose processes keep it: all of
	// them are in it and it holds vserverx's links for it. start and
	// apply give it its name back.
	NamelessIn []string `json:"nameless_in,omitempty"`

	// GuestAddresses are the members' util-vserver interfaces/ addresses
	// and whether the namespace has them (only when it exists).
	GuestAddresses []GuestAddress `json:"guest_addresses,omitempty"`

	// Drift lists how the namespace differs from its definition: the
	// changes `apply` would make.
	Drift []string `json:"drift,omitempty"`

	// Ruleset says whether the namespace holds the nftables ruleset of its
	// definition (nil: none is defined or loaded, or it cannot be seen).
	Ruleset *RulesetState `json:"ruleset,omitempty"`

	// Routes and Rules are every route (all tables, IPv4 and IPv6) and
	// policy rule of the namespace; vserverx's carry protocol
	// netns.RouteProtocol. RoutingNotDefined names the addresses (on
	// links that are not the definition's interfaces), routes and rules
	// someone else added that neither the definition, a member's
	// util-vserver interfaces/ nor the kernel explains.
	Routes            []netns.RouteEntry `json:"routes,omitempty"`
	Rules             []netns.RuleEntry  `json:"rules,omitempty"`
	RoutingNotDefined []string           `json:"routing_not_defined,omitempty"`

	// Without root, whether the guests run, the processes in the namespace
	// and its interfaces cannot be seen: these say so (running, pids and
	// interfaces are then empty, not "stopped" or "none"), and Unknown
	// says why.
	RunningKnown    bool   `json:"running_known"`
	PidsKnown       bool   `json:"pids_known"`
	InterfacesKnown bool   `json:"interfaces_known"`
	Unknown         string `json:"unknown,omitempty"`
}

// MemberState is one guest of a group and whether it runs (RunningKnown
// false: that cannot be seen without root).
type MemberState struct {
	Name         string `json:"name"`
	Running      bool   `json:"running"`
	RunningKnown bool   `json:"running_known"`
}

// StatusUnknown is the exit code of `status` for a guest whose state
// cannot be determined (without root), as LSB's "status unknown".
const StatusUnknown = 4

// seesProcesses reports whether this process can see which guests run and
// which processes live in a namespace: only root can (a variable for
// tests).
var seesProcesses = func() bool { return os.Geteuid() == 0 }

// needRootToSee is what status and list say for what they cannot see.
func needRootToSee(x string) string {
	return fmt.Sprintf("root is needed to see whether guests run and the processes and interfaces in namespace %s", x)
}

// ExitCode is the exit code of `status`: as `vserver NAME status`, 0 when
// running and 3 when stopped; StatusUnknown when that cannot be seen.
func (s *Status) ExitCode() int {
	if !s.RunningKnown {
		return StatusUnknown
	}
	if s.Running {
		return 0
	}
	if s.VserverCode != 0 {
		return s.VserverCode
	}
	return 3
}

// Status gathers the status of a guest. It changes nothing.
func (e *Env) Status(name string) (*Status, error) {
	g, err := e.Tree.Guest(name)
	if err != nil {
		return nil, err
	}
	if err := e.needVserver(); err != nil {
		return nil, err
	}
	st := &Status{Guest: name, RunningKnown: true, PidsKnown: true, InterfacesKnown: true}
	grp := e.Tree.GroupOf(g)
	if !seesProcesses() {
		st.RunningKnown, st.PidsKnown, st.InterfacesKnown = false, false, false
		st.Unknown = needRootToSee(g.SharedNetns())
		st.VserverCode, st.VserverOutput = StatusUnknown, "unknown"
	} else {
		st.VserverCode, st.VserverOutput = e.vserverStatus(name)
		st.Running = st.VserverCode == 0
	}
	if grp == nil {
		return st, nil
	}
	e.fillNamespace(st, grp)
	return st, nil
}

// vserverStatus runs `vserver NAME status` and captures its output.
func (e *Env) vserverStatus(name string) (int, string) {
	var out bytes.Buffer
	v := e.Vserver
	v.Stdout, v.Stderr = &out, &out
	err := v.Run(context.Background(), netns.Own(), name, "status")
	code, ok := wrapper.StatusOf(err)
	if !ok {
		return 1, err.Error()
	}
	return code, strings.TrimSpace(out.String())
}

// fillNamespace adds the namespace, its links, pids and the group members.
func (e *Env) fillNamespace(st *Status, grp *config.Group) {
	st.Managed, st.Namespace, st.NetnsPath = true, grp.NS.Name, e.netnsPath(grp.NS.Name)
	var running map[string]bool
	if st.RunningKnown {
		running = e.RunningGuests(otherMembers(grp, st.Guest)...)
	}
	for _, m := range grp.Members {
		ms := MemberState{Name: m.Name, RunningKnown: st.RunningKnown}
		if ms.RunningKnown {
			ms.Running = m.Name == st.Guest && st.Running || running[m.Name]
		}
		st.Members = append(st.Members, ms)
	}
	ns, err := netns.Open(e.Paths.NetnsDir, grp.NS.Name)
	if err != nil {
		e.fillNameless(st, grp, err)
		return
	}
	defer ns.Close()
	st.Exists = true
	if !st.PidsKnown {
		return
	}
	if links, err := netns.Links(ns); err == nil {
		st.Interfaces = links
		st.GuestAddresses = guestAddresses(grp, st.Members, links)
	} else {
		st.Problems = append(st.Problems, err.Error())
	}
	if pids, err := netns.Pids(ns); err == nil {
		st.Pids = pids
	} else {
		st.Problems = append(st.Problems, err.Error())
	}
	e.fillRouting(st, ns, grp)
	e.fillDrift(st, ns, grp)
	e.fillRuleset(st, ns, grp.NS)
}

// fillNameless adds, when the namespace could not be opened (openErr)
// because it has no name, whether it lives on in running members (see
// findLost), or why their namespace is not it.
func (e *Env) fillNameless(st *Status, grp *config.Group, openErr error) {
	if !st.RunningKnown || !errors.Is(openErr, netns.ErrNotExist) && !errors.Is(openErr, netns.ErrStale) {
		return
	}
	running := map[string]bool{}
	for _, m := range st.Members {
		running[m.Name] = m.Running
	}
	lost, err := e.findLost(context.Background(), grp, running)
	if err != nil {
		st.Problems = append(st.Problems, err.Error())
		return
	}
	if lost != nil {
		lost.ns.Close()
		st.NamelessIn = lost.members
	}
}

// fillRuleset adds how the ruleset of ns compares with def's.
func (e *Env) fillRuleset(st *Status, ns *netns.NS, def *config.Namespace) {
	rs, err := e.observeRuleset(context.Background(), ns, def)
	if err != nil {
		return // fillDrift reported it
	}
	if rs.File != "" || rs.Loaded != "" {
		st.Ruleset = &rs
	}
}

// fillDrift adds how the namespace ns of grp differs from its definition.
func (e *Env) fillDrift(st *Status, ns *netns.NS, grp *config.Group) {
	drift, err := e.driftIn(ns, grp)
	if err != nil {
		st.Problems = append(st.Problems, err.Error())
	}
	st.Drift = drift
}

// Print writes the status for a person.
func (s *Status) Print(w io.Writer) {
	fmt.Fprintf(w, "guest %s: %s\n", s.Guest, s.VserverOutput)
	if s.Unknown != "" {
		fmt.Fprintf(w, "unknown: %s\n", s.Unknown)
	}
	if !s.Managed {
		fmt.Fprintln(w, "not managed by vserverx")
		return
	}
	switch {
	case len(s.NamelessIn) > 0:
		fmt.Fprintf(w, "namespace %s has no name: it lives on in the processes of %s\n", s.Namespace, strings.Join(s.NamelessIn, ", "))
		fmt.Fprintf(w, "  (%s is gone; vserverx %s apply, or a start of a member, names it again)\n", s.NetnsPath, s.Guest)
	case !s.Exists:
		fmt.Fprintf(w, "namespace %s: not set up (%s does not exist)\n", s.Namespace, s.NetnsPath)
	default:
		fmt.Fprintf(w, "namespace %s (%s)\n", s.Namespace, s.NetnsPath)
		s.printInside(w)
	}
	var members []string
	for _, m := range s.Members {
		members = append(members, m.Name+" ("+m.state()+")")
	}
	fmt.Fprintf(w, "group %s: %s\n", s.Namespace, strings.Join(members, ", "))
	if len(s.Drift) > 0 {
		fmt.Fprintln(w, DriftText(s.Namespace, s.Guest, s.Drift))
	}
	for _, p := range s.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
}

// printInside writes the interfaces and processes of the namespace, or
// that they are unknown.
func (s *Status) printInside(w io.Writer) {
	if !s.InterfacesKnown {
		fmt.Fprintln(w, "  interfaces: unknown")
	}
	for _, l := range s.Interfaces {
		fmt.Fprintf(w, "  %-15s %-8s %-17s %-7s %s\n", l.Name, l.Type, l.MAC, l.State, strings.Join(l.Addrs, " "))
	}
	s.printGuestAddresses(w)
	s.printRuleset(w)

	s.printRouting(w)
	pids := orNone(joinInts(s.Pids))
	if !s.PidsKnown {
		pids = "unknown"
	}
	fmt.Fprintf(w, "  processes: %s\n", pids)
}

// state is "running", "stopped" or "unknown".
func (m MemberState) state() string {
	switch {
	case !m.RunningKnown:
		return "unknown"
	case m.Running:
		return "running"
	}
	return "stopped"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// GroupState is one line of `vserverx list`.
type GroupState struct {
	Namespace      string        `json:"namespace"`
	Exists         bool          `json:"namespace_exists"`
	Processes      int           `json:"processes"`
	ProcessesKnown bool          `json:"processes_known"` // false without root: Processes is then 0
	Members        []MemberState `json:"members"`
}

// GroupList is what `vserverx list` shows.
type GroupList []GroupState

// List returns every managed namespace with its members and state. Without
// root, whether members run and the processes in a namespace are marked
// unknown.
func (e *Env) List() (GroupList, error) {
	if err := e.needVserver(); err != nil {
		return nil, err
	}
	sees := seesProcesses()
	groups := e.Tree.Groups()
	var running map[string]bool
	if sees {
		var all []string
		for _, grp := range groups {
			all = append(all, otherMembers(grp, "")...)
		}
		running = e.RunningGuests(all...)
	}
	var list GroupList
	for _, grp := range groups {
		gs := GroupState{Namespace: grp.NS.Name, ProcessesKnown: sees}
		for _, m := range grp.Members {
			gs.Members = append(gs.Members, MemberState{Name: m.Name, Running: running[m.Name], RunningKnown: sees})
		}
		if ns, err := netns.Open(e.Paths.NetnsDir, grp.NS.Name); err == nil {
			gs.Exists = true
			if sees {
				gs.Processes = processCount(ns)
			}
			ns.Close()
		}
		list = append(list, gs)
	}
	return list, nil
}

// processCount is the number of processes living in ns (0 when they
// cannot be listed).
func processCount(ns *netns.NS) int {
	pids, err := netns.Pids(ns)
	if err != nil {
		return 0
	}
	return len(pids)
}

// otherMembers lists the names of grp's members other than guest.
func otherMembers(grp *config.Group, guest string) []string {
	var names []string
	for _, m := range grp.Members {
		if m.Name != guest {
			names = append(names, m.Name)
		}
	}
	return names
}

// AnyRunning reports whether any member of any group runs.
func (l GroupList) AnyRunning() bool {
	for _, g := range l {
		for _, m := range g.Members {
			if m.Running {
				return true
			}
		}
	}
	return false
}

// Known reports whether the list could see which guests run (root).
func (l GroupList) Known() bool {
	for _, g := range l {
		if !g.ProcessesKnown {
			return false
		}
	}
	return true
}

// Print writes the list for a person.
func (l GroupList) Print(w io.Writer) {
	if len(l) == 0 {
		fmt.Fprintln(w, "no namespaces are managed by vserverx in this confdir")
		return
	}
	fmt.Fprintf(w, "%-16s %-9s %-9s %s\n", "NAMESPACE", "STATE", "PROCESSES", "MEMBERS")
	for _, g := range l {
		state := "down"
		if g.Exists {
			state = "up"
		}
		procs := "unknown"
		if g.ProcessesKnown {
			procs = fmt.Sprint(g.Processes)
		}
		var members []string
		for _, m := range g.Members {
			s := m.Name
			if m.Running || !m.RunningKnown {
				s += "(" + m.state() + ")"
			}
			members = append(members, s)
		}
		fmt.Fprintf(w, "%-16s %-9s %-9s %s\n", g.Namespace, state, procs, strings.Join(members, " "))
	}
	if !l.Known() {
		fmt.Fprintln(w, "unknown: root is needed to see whether guests run and the processes in the namespaces")
	}
}
