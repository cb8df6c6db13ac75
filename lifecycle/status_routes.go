// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// fillRouting adds the routes and rules of ns to the status, and the
// addresses (of st.Interfaces), routes and rules that neither the
// definition nor the kernel explains.
func (e *Env) fillRouting(st *Status, ns *netns.NS, grp *config.Group) {
	rt, err := netns.ObserveRouting(ns)
	if err != nil {
		st.Problems = append(st.Problems, err.Error())
		return
	}
	st.Routes, st.Rules = rt.Routes, rt.Rules
	st.RoutingNotDefined = append(undefinedAddrs(grp, st.Interfaces), notDefined(grp, rt)...)
}

// notDefined lists the routes and rules of rt that vserverx did not add
// and that are not the kernel's own (proto kernel, IPv6 link-local and
// multicast, the default rules), nor a default route a gateway file or a
// member's util-vserver interfaces/ names: someone else added them.
// vserverx never removes them; status and check only tell.
func notDefined(grp *config.Group, rt netns.Routing) []string {
	var out []string
	for _, r := range rt.Routes {
		if !r.Own() && !r.Kernel() && !gatewayRoute(grp, r) {
			out = append(out, "route "+r.Text)
		}
	}
	for _, r := range rt.Rules {
		if !r.Own() && !r.Kernel() {
			out = append(out, "rule "+r.Text)
		}
	}
	return out
}

// gatewayRoute reports whether r is a default route of the main table via
// a gateway that an interfaces/N/gateway file of the definition, or a
// member's util-vserver interfaces/, names for its interface.
func gatewayRoute(grp *config.Group, r netns.RouteEntry) bool {
	if r.Table != config.TableMain || r.Dst.Bits() != 0 || !r.Via.IsValid() {
		return false
	}
	for _, ifc := range grp.NS.Interfaces {
		if ifc.Name == r.Dev && slices.Contains(ifc.Gateways, r.Via) {
			return true
		}
	}
	for _, g := range grp.Members {
		for _, c := range g.Classic {
			if c.AddsAddress() && c.Dev == r.Dev && c.Gateway == r.Via {
				return true
			}
		}
	}
	return false
}

// UndefinedRouting lists the addresses, routes and rules in the namespace
// of grp that someone other than vserverx added (see undefinedAddrs and
// notDefined); nil when the
// namespace does not exist. It changes nothing.
func (e *Env) UndefinedRouting(grp *config.Group) ([]string, error) {
	ns, err := netns.Open(e.Paths.NetnsDir, grp.NS.Name)
	if errors.Is(err, netns.ErrNotExist) || errors.Is(err, netns.ErrStale) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	links, err := netns.Links(ns)
	if err != nil {
		return nil, err
	}
	rt, err := netns.ObserveRouting(ns)
	if err != nil {
		return nil, err
	}
	return append(undefinedAddrs(grp, links), notDefined(grp, rt)...), nil
}

// UndefinedRoutingText is the warning of check about them.
func UndefinedRoutingText(x string, items []string) string {
	return fmt.Sprintf("namespace %s holds what its definition does not name (someone else added it; vserverx leaves it alone): %s", x, joinSemi(items))
}

// printRouting writes the routes and rules vserverx added and those
// nobody defined.
func (s *Status) printRouting(w io.Writer) {
	var own []string
	for _, r := range s.Routes {
		if r.Own() {
			own = append(own, "route "+r.Text)
		}
	}
	for _, r := range s.Rules {
		if r.Own() {
			own = append(own, "rule "+r.Text)
		}
	}
	for _, r := range own {
		fmt.Fprintf(w, "  %s\n", r)
	}
	for _, r := range s.RoutingNotDefined {
		fmt.Fprintf(w, "  not defined: %s\n", r)
	}
}
