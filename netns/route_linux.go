// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// RouteProtocol is the route protocol number every route and policy rule
// vserverx adds carries (`ip route show proto 73`). It is not one of
// iproute2's /etc/iproute2/rt_protos, so vserverx tells its own routes
// from those of the kernel (2), `ip route add` (3, boot), routing daemons
// and DHCP clients: apply, stop and status leave every other route alone.
const RouteProtocol = 73

// RouteProtocolName is the name of RouteProtocol for iproute2
// (/etc/iproute2/rt_protos.d/vserverx.conf).
const RouteProtocolName = "vserverx"

// RouteEntry is one route of a namespace, in any table, as the kernel
// reports it.
type RouteEntry struct {
	Text     string       `json:"route"` // in ip route syntax, with table and proto
	Table    int          `json:"table"`
	Protocol int          `json:"protocol"`
	Type     string       `json:"type"` // unicast, blackhole, unreachable, prohibit, local, broadcast, ...
	Dst      netip.Prefix `json:"dst"`
	Via      netip.Addr   `json:"via"`
	Dev      string       `json:"dev,omitempty"`
	Metric   int          `json:"metric"`
	Src      netip.Addr   `json:"src"`
	Onlink   bool         `json:"onlink,omitempty"`
	MTU      int          `json:"mtu,omitempty"`

	route netlink.Route // as listed, to delete or add it back exactly
}

// Own reports whether vserverx added the route.
func (e RouteEntry) Own() bool { return e.Protocol == RouteProtocol }

// Kernel reports whether the kernel made the route itself: for an
// address (proto kernel, the local table) or an IPv6 link-local prefix
// or multicast.
func (e RouteEntry) Kernel() bool {
	a := e.Dst.Addr()
	return e.Protocol == unix.RTPROT_KERNEL || a.Is6() && (a.IsLinkLocalUnicast() || a.IsMulticast())
}

// RuleEntry is one policy rule of a namespace, as the kernel reports it.
type RuleEntry struct {
	Text     string `json:"rule"` // in ip rule syntax, with family, priority and proto
	Protocol int    `json:"protocol"`
	Priority int    `json:"priority"`
	Table    int    `json:"table"`
	// Rule is the rule as a rules line would give it.
	Rule config.Rule `json:"-"`

	rule netlink.Rule
}

// Own reports whether vserverx added the rule.
func (e RuleEntry) Own() bool { return e.Protocol == RouteProtocol }

// Kernel reports whether the rule is one of the kernel's defaults.
func (e RuleEntry) Kernel() bool { return e.Protocol == unix.RTPROT_KERNEL }

// Routing is every route and policy rule of a namespace.
type Routing struct {
	Routes []RouteEntry `json:"routes"`
	Rules  []RuleEntry  `json:"rules"`
}

// ObserveRouting lists the routes of every table and the policy rules of
// n, IPv4 and IPv6. It changes nothing.
//
// Equivalent to: ip -n X route show table all; ip -n X -6 route show
// table all; ip -n X rule; ip -n X -6 rule.
func ObserveRouting(n *NS) (Routing, error) {
	h, err := n.NewHandle()
	if err != nil {
		return Routing{}, err
	}
	defer h.Close()
	names, err := linkNames(h)
	if err != nil {
		return Routing{}, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	var out Routing
	if out.Routes, err = listRoutes(h, names); err != nil {
		return Routing{}, fmt.Errorf("network namespace %s: list routes: %w", n.Name, err)
	}
	if out.Rules, err = listRules(h); err != nil {
		return Routing{}, fmt.Errorf("network namespace %s: list rules: %w", n.Name, err)
	}
	return out, nil
}

// linkNames maps the link indexes of h's namespace to their names.
func linkNames(h *netlink.Handle) (map[int]string, error) {
	links, err := linkList(h)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	return names, nil
}

// listRoutes lists the routes of every table.
func listRoutes(h *netlink.Handle, names map[int]string) ([]RouteEntry, error) {
	routes, err := retryDump(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, err
	}
	out := make([]RouteEntry, 0, len(routes))
	for _, r := range routes {
		if r.Family == unix.AF_INET || r.Family == unix.AF_INET6 {
			out = append(out, routeEntry(r, names))
		}
	}
	return out, nil
}

// listRules lists the policy rules of both families.
func listRules(h *netlink.Handle) ([]RuleEntry, error) {
	var out []RuleEntry
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		rules, err := retryDump(func() ([]netlink.Rule, error) { return h.RuleList(fam) })
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			out = append(out, ruleEntry(r, fam == netlink.FAMILY_V6))
		}
	}
	return out, nil
}

// routeTypes names the kernel's route types as ip route does.
var routeTypes = map[int]string{
	unix.RTN_UNICAST: string(config.RouteUnicast), unix.RTN_BLACKHOLE: string(config.RouteBlackhole),
	unix.RTN_UNREACHABLE: string(config.RouteUnreachable), unix.RTN_PROHIBIT: string(config.RouteProhibit),
	unix.RTN_LOCAL: "local", unix.RTN_BROADCAST: "broadcast", unix.RTN_ANYCAST: "anycast",
	unix.RTN_MULTICAST: "multicast", unix.RTN_THROW: "throw", unix.RTN_NAT: "nat",
}

// routeEntry describes a listed route.
func routeEntry(r netlink.Route, names map[int]string) RouteEntry {
	e := RouteEntry{Table: r.Table, Protocol: int(r.Protocol), Type: routeTypes[r.Type], Dev: names[r.LinkIndex],
		Metric: r.Priority, Onlink: r.Flags&unix.RTNH_F_ONLINK != 0, MTU: r.MTU, route: r}
	if e.Type == "" {
		e.Type = fmt.Sprint(r.Type)
	}
	if r.Dst != nil {
		e.Dst = ipNetPrefix(r.Dst)
	}
	e.Via = ipAddr(r.Gw)
	e.Src = ipAddr(r.Src)
	e.Text = e.asRoute().String() + fmt.Sprintf(" proto %s", protoName(e.Protocol))
	if e.Table == config.TableMain {
		e.Text += " (table main)"
	}
	return e
}

// asRoute is the entry as a routes line would give it (for its text).
func (e RouteEntry) asRoute() config.Route {
	return config.Route{Type: config.RouteType(e.Type), Dst: e.Dst, Via: e.Via, Dev: e.Dev, Table: e.Table,
		Metric: e.Metric, Src: e.Src, Onlink: e.Onlink, MTU: e.MTU}
}

// protoName names a route protocol as ip route shows it.
func protoName(p int) string {
	switch p {
	case unix.RTPROT_UNSPEC:
		return "unspec"
	case unix.RTPROT_KERNEL:
		return "kernel"
	case unix.RTPROT_BOOT:
		return "boot"
	case unix.RTPROT_STATIC:
		return "static"
	case unix.RTPROT_RA:
		return "ra"
	case unix.RTPROT_DHCP:
		return "dhcp"
	case RouteProtocol:
		return RouteProtocolName
	}
	return fmt.Sprint(p)
}

// ipNetPrefix turns a listed prefix into a netip.Prefix.
func ipNetPrefix(n *net.IPNet) netip.Prefix {
	ip, _ := netip.AddrFromSlice(n.IP)
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), ones)
}

// ipAddr turns a listed address into a netip.Addr (invalid for none).
func ipAddr(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	if !a.IsValid() || a.IsUnspecified() {
		return netip.Addr{}
	}
	return a.Unmap()
}

// ruleEntry describes a listed rule.
func ruleEntry(r netlink.Rule, ipv6 bool) RuleEntry {
	e := RuleEntry{Protocol: int(r.Protocol), Priority: r.Priority, Table: r.Table, rule: r, Rule: config.Rule{IPv6: ipv6, Not: r.Invert,
		IIF: r.IifName, OIF: r.OifName, Table: r.Table, Priority: r.Priority, HasPriority: true}}
	if r.Src != nil {
		e.Rule.From = ipNetPrefix(r.Src)
	}
	if r.Dst != nil {
		e.Rule.To = ipNetPrefix(r.Dst)
	}
	if r.Mark != 0 || r.Mask != nil {
		e.Rule.Mark, e.Rule.HasMark = r.Mark, true
		if r.Mask != nil && *r.Mask != 0xffffffff {
			e.Rule.Mask, e.Rule.HasMask = *r.Mask, true
		}
	}
	e.Text = e.Rule.String() + " proto " + protoName(e.Protocol)
	return e
}

// RouteMatches reports whether the kernel's route e is the route r of the
// routes file: same type, table, destination, gateway, metric, source,
// onlink and MTU, and the interface r names (any when it names none).
func RouteMatches(e RouteEntry, r config.Route) bool {
	return e.Type == string(r.Type) && e.Table == r.Table && e.Dst == r.Dst && e.Via == r.Via &&
		e.Metric == r.Metric && e.Src == r.Src && e.Onlink == r.Onlink && e.MTU == r.MTU &&
		(r.Dev == "" || e.Dev == r.Dev)
}

// RuleMatches reports whether the kernel's rule e is the rule r of the
// rules file (any priority when r gives none).
func RuleMatches(e RuleEntry, r config.Rule) bool {
	a, b := e.Rule, r
	if !r.HasPriority {
		a.Priority, b.Priority, b.HasPriority = 0, 0, true
	}
	return a.IPv6 == b.IPv6 && a.Not == b.Not && a.From == b.From && a.To == b.To && a.IIF == b.IIF &&
		a.OIF == b.OIF && a.HasMark == b.HasMark && a.Mark == b.Mark && ruleMask(a) == ruleMask(b) &&
		a.Table == b.Table && a.Priority == b.Priority
}

// ruleMask is the firewall mark mask of a rule (all bits when none is
// given, as the kernel takes it).
func ruleMask(r config.Rule) uint32 {
	if !r.HasMark || !r.HasMask {
		return 0xffffffff
	}
	return r.Mask
}

// routingGone reports whether err says the route or rule to delete is
// gone already (with its interface, or by someone else's hand).
func routingGone(err error) bool {
	return errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENODEV)
}
