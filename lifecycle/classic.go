// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/vspace"
)

// GuestNetworkProblems returns what goes wrong when util-vserver starts
// guest g inside its namespace X: the problems config.CheckClassic finds
// in g's interfaces/ (a dev X will not have, a VLAN device on a parent X
// lacks, indirect entries, addresses configured twice; some are warnings),
// and every line of a scriptlet util-vserver runs for g (its own and the
// host-wide ones) that manages network namespaces besides vserverx. Each
// names its file (and line). It is nil for a guest vserverx does not
// manage. check, plan and start report these; start refuses on an error
// among them.
func (e *Env) GuestNetworkProblems(g *config.Guest) config.Problems {
	grp := e.Tree.GroupOf(g)
	if grp == nil {
		return nil
	}
	ps := config.CheckClassic(g, grp.NS, grp.Members)
	found, unreadable := vspace.ForeignScriptlets(g.Dir, e.Paths.ConfDir)
	ps = append(ps, unreadable...)
	for _, f := range found {
		ps = append(ps, f.Problem(grp.NS.Name))
	}
	return ps
}

// networkRefusal is why start refuses guest m because of its util-vserver
// network configuration, or nil.
func (e *Env) networkRefusal(m Managed) error {
	errs := e.GuestNetworkProblems(m.Guest).Errors()
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("guest %s: util-vserver's network configuration does not fit namespace %s:\n%w", m.Guest.Name, m.NS(), errs)
}

// warnNetwork prints the warnings among guest m's network problems.
func (e *Env) warnNetwork(m Managed) {
	for _, w := range e.GuestNetworkProblems(m.Guest).Warnings() {
		e.warnf("%s", w.Error())
	}
}

// networkChecks adds to plan p, when guest m's network problems are not
// empty, a check line saying so and the warnings among them, and the
// addresses util-vserver adds inside X from the interfaces/ of every
// member of m's group.
func (e *Env) networkChecks(p *Plan, m Managed) {
	ps := e.GuestNetworkProblems(m.Guest)
	if errs := ps.Errors(); len(errs) > 0 {
		p.Checks = append(p.Checks, fmt.Sprintf("util-vserver's interfaces/ and scriptlets of guest %s: NOT OK, %d problem(s): start refuses (see below)",
			m.Guest.Name, len(errs)))
	} else if ws := ps.Warnings(); len(ws) > 0 {
		p.Checks = append(p.Checks, fmt.Sprintf("util-vserver's interfaces/ and scriptlets of guest %s: ok, %d warning(s)", m.Guest.Name, len(ws)))
	}
	for _, w := range ps.Warnings() {
		p.Warnings = append(p.Warnings, w.Error())
	}
	for _, g := range m.Group.Members {
		for _, a := range g.ClassicAddrs() {
			p.GuestAddrs = append(p.GuestAddrs, fmt.Sprintf("guest %s: %s on %s (%s)", g.Name, a.Prefix, a.Dev, a.File))
		}
	}
}

// printNetworkChecks writes the warnings and the guests' own addresses of
// plan p, in the form `vserverx NAME plan` shows them.
func (p *Plan) printNetworkChecks(w io.Writer) {
	for _, s := range p.Warnings {
		fmt.Fprintf(w, "  %s\n", s)
	}
	if len(p.GuestAddrs) == 0 {
		return
	}
	fmt.Fprintf(w, "  util-vserver adds inside %s when a guest starts (its interfaces/; ip addr add ADDRESS dev DEVICE):\n", p.NS)
	for _, s := range p.GuestAddrs {
		fmt.Fprintf(w, "    %s\n", s)
	}
}

// GuestAddress is one address util-vserver adds inside the namespace from
// a member's interfaces/, and whether X has it.
type GuestAddress struct {
	Guest   string `json:"guest"`
	Address string `json:"address"` // CIDR, as ip addr add sets it
	Device  string `json:"device"`
	File    string `json:"file"` // the ip file it comes from
	Present bool   `json:"present"`
	// GuestRunning: the member runs, so util-vserver has added the address.
	GuestRunning bool `json:"guest_running"`
}

// guestAddresses lists the interfaces/ addresses of every member of grp
// with whether links (the namespace's, as netns.Links reads them) carry
// them; members says which members run.
func guestAddresses(grp *config.Group, members []MemberState, links []netns.LinkStatus) []GuestAddress {
	var out []GuestAddress
	for _, g := range grp.Members {
		for _, a := range g.ClassicAddrs() {
			out = append(out, GuestAddress{Guest: g.Name, Address: a.Prefix.String(), Device: a.Dev, File: a.File,
				Present: hasAddress(links, a.Dev, a.Prefix), GuestRunning: memberRunning(members, g.Name)})
		}
	}
	return out
}

// hasAddress reports whether the link named dev carries address p (with
// its prefix length).
func hasAddress(links []netns.LinkStatus, dev string, p netip.Prefix) bool {
	for _, l := range links {
		if l.Name != dev {
			continue
		}
		for _, s := range l.Addrs {
			if q, err := netip.ParsePrefix(s); err == nil && q == p {
				return true
			}
		}
	}
	return false
}

func memberRunning(members []MemberState, name string) bool {
	for _, m := range members {
		if m.Name == name {
			return m.Running
		}
	}
	return false
}

// printGuestAddresses writes the guests' own addresses for `status`.
func (s *Status) printGuestAddresses(w io.Writer) {
	if len(s.GuestAddresses) == 0 {
		return
	}
	fmt.Fprintln(w, "  addresses from the guests' util-vserver interfaces/:")
	for _, a := range s.GuestAddresses {
		fmt.Fprintf(w, "    %s on %s (guest %s, %s): %s\n", a.Address, a.Device, a.Guest, a.File, addressState(a))
	}
}

// addressState says whether a guest's address is where it belongs.
func addressState(a GuestAddress) string {
	switch {
	case a.Present:
		return "present"
	case a.GuestRunning:
		return "MISSING (util-vserver did not add it, or it was removed)"
	}
	return fmt.Sprintf("absent (guest %s is stopped)", a.Guest)
}
