// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"net/netip"
	"slices"
)

// checkRoute checks what a route needs from the namespace: its interface
// exists, its addresses are of one family, its gateway is reachable and
// its source address is configured.
func checkRoute(c *wordCursor, ns *Namespace, rt *Route, dstAt int) {
	if rt.Dev != "" {
		checkDev(c, ns, "dev", rt.Dev)
	}
	for _, a := range []struct {
		key  string
		addr netip.Addr
	}{{"via", rt.Via}, {"src", rt.Src}} {
		if a.addr.IsValid() && a.addr.Is6() != rt.IPv6() {
			c.failAt(c.valueAt(a.key), "%s is %s, the destination (word %d) %s; a route has one address family",
				a.key, familyName(a.addr), dstAt+1, familyName(rt.Dst.Addr()))
		}
	}
	if c.bad {
		return
	}
	if rt.Via.IsValid() && !rt.Onlink {
		checkVia(c, ns, rt)
	}
	if rt.Src.IsValid() && !configuredAddr(ns, rt.Src) {
		c.failAt(c.valueAt("src"), "src %s is no address of namespace %s; the kernel takes only its own addresses as source: add it to an interfaces/N/ip file", rt.Src, ns.Name)
	}
}

// checkDev records a problem when name (after key dev, iif or oif) is
// neither an interface of ns nor its loopback.
func checkDev(c *wordCursor, ns *Namespace, key, name string) {
	if name == LoopbackName || findInterface(ns, name) != nil {
		return
	}
	c.failAt(c.valueAt(key), "%s %s is not an interface of namespace %s; %s", key, name, ns.Name, interfaceNames(ns))
}

// checkVia records a problem when no prefix configured in ns (on dev, when
// given) reaches the gateway. An IPv6 link-local gateway is reached
// through the link-local address every interface has, but needs dev.
func checkVia(c *wordCursor, ns *Namespace, rt *Route) {
	at := c.valueAt("via")
	if rt.Via.Is6() && rt.Via.IsLinkLocalUnicast() {
		if rt.Dev == "" {
			c.failAt(at, "via %s is link-local: name the interface it is on with dev IF", rt.Via)
		}
		return
	}
	if reaches(ns, rt.Dev, rt.Via) {
		return
	}
	where := "any interface of namespace " + ns.Name
	if rt.Dev != "" {
		where = rt.Dev
	}
	c.failAt(at, "no prefix configured on %s (interfaces/N/ip) reaches gateway %s; add an address in its subnet, or onlink when the gateway is on the link anyway", where, rt.Via)
}

// reaches reports whether an address configured on interface dev of ns
// (any interface when dev is "") has a prefix holding a.
func reaches(ns *Namespace, dev string, a netip.Addr) bool {
	for _, ifc := range ns.Interfaces {
		if dev != "" && ifc.Name != dev {
			continue
		}
		if slices.ContainsFunc(ifc.Addrs, func(p netip.Prefix) bool { return p.Masked().Contains(a) }) {
			return true
		}
	}
	return false
}

// configuredAddr reports whether a is an address of an interface of ns.
func configuredAddr(ns *Namespace, a netip.Addr) bool {
	for _, ifc := range ns.Interfaces {
		if slices.ContainsFunc(ifc.Addrs, func(p netip.Prefix) bool { return p.Addr() == a }) {
			return true
		}
	}
	return false
}

// checkGatewayClash records a route of the routes file that is the same
// default route of the main table as an interfaces/N/gateway entry.
func checkGatewayClash(r reader, ns *Namespace) {
	for _, rt := range ns.Routes {
		if rt.Dst.Bits() != 0 || rt.Table != TableMain || rt.Metric != defaultMetric(rt.IPv6()) {
			continue
		}
		for _, ifc := range ns.Interfaces {
			for _, gw := range ifc.Gateways {
				if gw.Is6() == rt.IPv6() {
					r.add(rt.File, "line %d: duplicate: %s is the default route of table main that %s already adds (via %s); the kernel keeps only one: give it a metric or remove one",
						rt.Line, rt, ifc.File(KeyGateway), gw)
					return
				}
			}
		}
	}
}
