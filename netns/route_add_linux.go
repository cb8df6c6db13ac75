// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// EnsureRouting adds the routes and policy rules of def that n lacks (of
// its own: a route vserverx did not add never counts), all carrying
// RouteProtocol, routes first. On error what it added is removed again;
// the Undo removes it after a success.
//
// Equivalent to: ip -n X route add ROUTE proto 73 ...; ip -n X rule add
// RULE protocol 73 ..., for each missing one.
func EnsureRouting(n *NS, def *config.Namespace) (Undo, error) {
	if len(def.Routes) == 0 && len(def.Rules) == 0 {
		return NoUndo, nil
	}
	have, err := ObserveRouting(n)
	if err != nil {
		return NoUndo, err
	}
	var steps undoStack
	for _, r := range def.Routes {
		if slices.ContainsFunc(have.Routes, func(e RouteEntry) bool { return e.Own() && RouteMatches(e, r) }) {
			continue
		}
		u, err := AddRoute(n, r)
		if err != nil {
			return NoUndo, steps.rollback(err)
		}
		steps.push(u)
	}
	for _, r := range def.Rules {
		if slices.ContainsFunc(have.Rules, func(e RuleEntry) bool { return e.Own() && RuleMatches(e, r) }) {
			continue
		}
		u, err := AddRule(n, r)
		if err != nil {
			return NoUndo, steps.rollback(err)
		}
		steps.push(u)
	}
	return steps.undo(), nil
}

// withHandle runs fn with a netlink handle inside n.
func withHandle(n *NS, fn func(h *netlink.Handle) error) error {
	h, err := n.NewHandle()
	if err != nil {
		return err
	}
	defer h.Close()
	return fn(h)
}

// AddRoute adds route r of the routes file to n, carrying RouteProtocol;
// a route with an IPv6 source address waits until that address has
// finished duplicate address detection (waitForSource). The Undo deletes
// exactly that route (by its protocol too).
//
// Equivalent to: ip -n X route add ROUTE proto 73.
func AddRoute(n *NS, r config.Route) (Undo, error) {
	if err := waitForSource(n, r); err != nil {
		return NoUndo, err
	}
	var req *netlink.Route
	err := withHandle(n, func(h *netlink.Handle) error {
		var err error
		if req, err = routeRequest(h, r); err != nil {
			return err
		}
		return h.RouteAdd(req)
	})
	if err != nil {
		return NoUndo, routeErr(n, r, err)
	}
	return func() error {
		err := withHandle(n, func(h *netlink.Handle) error { return h.RouteDel(req) })
		if err != nil && !routingGone(err) {
			return fmt.Errorf("network namespace %s: delete route %s (%s): %w", n.Name, r, r.Where(), err)
		}
		return nil
	}, nil
}

// routeErr names the namespace, the route and its line; a route that
// exists already is said so.
func routeErr(n *NS, r config.Route, err error) error {
	if errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("network namespace %s: add route %s (%s): a route to %s with metric %d exists in table %s already, not added by vserverx from this line; remove it or give this route another metric: %w",
			n.Name, r, r.Where(), r.Dst, r.Metric, config.TableName(r.Table), err)
	}
	return fmt.Errorf("network namespace %s: add route %s (%s): %w", n.Name, r, r.Where(), err)
}

// routeKinds maps the routes file's types to the kernel's.
var routeKinds = map[config.RouteType]int{
	config.RouteUnicast: unix.RTN_UNICAST, config.RouteBlackhole: unix.RTN_BLACKHOLE,
	config.RouteUnreachable: unix.RTN_UNREACHABLE, config.RouteProhibit: unix.RTN_PROHIBIT,
}

// routeRequest is the netlink route of r; dev is looked up through h.
// A route without gateway through an interface has scope link, as ip
// route gives it.
func routeRequest(h *netlink.Handle, r config.Route) (*netlink.Route, error) {
	req := &netlink.Route{Dst: prefixNet(r.Dst), Table: r.Table, Type: routeKinds[r.Type], Priority: r.Metric,
		Protocol: RouteProtocol, MTU: r.MTU, Family: family(r.Dst.Addr())}
	if r.Via.IsValid() {
		req.Gw = r.Via.AsSlice()
	} else if r.Type == config.RouteUnicast {
		req.Scope = netlink.SCOPE_LINK
	}
	if r.Src.IsValid() {
		req.Src = r.Src.AsSlice()
	}
	if r.Onlink {
		req.Flags |= unix.RTNH_F_ONLINK
	}
	if r.Dev != "" {
		l, err := h.LinkByName(r.Dev)
		if err != nil {
			return nil, fmt.Errorf("interface %s: %w", r.Dev, err)
		}
		req.LinkIndex = l.Attrs().Index
	}
	return req, nil
}

// prefixNet turns a masked prefix into a net.IPNet.
func prefixNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// family is the netlink family of a.
func family(a netip.Addr) int {
	if a.Is6() {
		return netlink.FAMILY_V6
	}
	return netlink.FAMILY_V4
}

// AddRule adds policy rule r of the rules file to n, carrying
// RouteProtocol. The Undo deletes exactly that rule.
//
// Equivalent to: ip -n X [-6] rule add RULE protocol 73.
func AddRule(n *NS, r config.Rule) (Undo, error) {
	req := ruleRequest(r)
	if err := withHandle(n, func(h *netlink.Handle) error { return h.RuleAdd(req) }); err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: add rule %s (%s): %w", n.Name, r, r.Where(), err)
	}
	return func() error {
		err := withHandle(n, func(h *netlink.Handle) error { return h.RuleDel(req) })
		if err != nil && !routingGone(err) {
			return fmt.Errorf("network namespace %s: delete rule %s (%s): %w", n.Name, r, r.Where(), err)
		}
		return nil
	}, nil
}

// ruleRequest is the netlink rule of r.
func ruleRequest(r config.Rule) *netlink.Rule {
	req := netlink.NewRule()
	req.Family = netlink.FAMILY_V4
	if r.IPv6 {
		req.Family = netlink.FAMILY_V6
	}
	req.Invert, req.Table, req.Protocol = r.Not, r.Table, RouteProtocol
	req.IifName, req.OifName = r.IIF, r.OIF
	if r.From.IsValid() {
		req.Src = prefixNet(r.From)
	}
	if r.To.IsValid() {
		req.Dst = prefixNet(r.To)
	}
	if r.HasMark {
		mask := ruleMask(r)
		req.Mark, req.Mask = r.Mark, &mask
	}
	if r.HasPriority {
		req.Priority = r.Priority
	}
	return req
}

// RemoveRoute deletes route e, which vserverx added, from n. The Undo adds
// it back as it was.
//
// Equivalent to: ip -n X route del ROUTE proto 73.
func RemoveRoute(n *NS, e RouteEntry) (Undo, error) {
	if !e.Own() {
		return NoUndo, fmt.Errorf("network namespace %s: route %s was not added by vserverx; it is left alone", n.Name, e.Text)
	}
	route := e.route
	if err := withHandle(n, func(h *netlink.Handle) error { return h.RouteDel(&route) }); err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: delete route %s: %w", n.Name, e.Text, err)
	}
	return func() error {
		back := e.route
		err := withHandle(n, func(h *netlink.Handle) error { return ignoreExists(h.RouteAdd(&back)) })
		if err != nil {
			return fmt.Errorf("network namespace %s: add route %s back: %w", n.Name, e.Text, err)
		}
		return nil
	}, nil
}

// RemoveRule deletes rule e, which vserverx added, from n. The Undo adds
// it back with its priority.
//
// Equivalent to: ip -n X rule del RULE priority P protocol 73.
func RemoveRule(n *NS, e RuleEntry) (Undo, error) {
	if !e.Own() {
		return NoUndo, fmt.Errorf("network namespace %s: rule %s was not added by vserverx; it is left alone", n.Name, e.Text)
	}
	req := ruleRequest(e.Rule)
	req.Protocol = uint8(e.Protocol)
	if err := withHandle(n, func(h *netlink.Handle) error { return h.RuleDel(req) }); err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: delete rule %s: %w", n.Name, e.Text, err)
	}
	return func() error {
		err := withHandle(n, func(h *netlink.Handle) error { return ignoreExists(h.RuleAdd(req)) })
		if err != nil {
			return fmt.Errorf("network namespace %s: add rule %s back: %w", n.Name, e.Text, err)
		}
		return nil
	}, nil
}
