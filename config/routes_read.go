// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// routeWords are the words of a route through an interface or gateway
// after its destination; dropWords those of blackhole, unreachable and
// prohibit.
var (
	routeWords = []string{"via", "dev", "table", "metric", "src", "onlink", "mtu"}
	dropWords  = []string{"table"}
)

// routeDrops are the types a line may start with.
var routeDrops = []RouteType{RouteBlackhole, RouteUnreachable, RouteProhibit}

// routeForm is the syntax of a routes line, for messages.
const routeForm = "PREFIX|default [via ADDR] [dev IF] [table T] [metric N] [src ADDR] [onlink] [mtu N], or blackhole|unreachable|prohibit PREFIX|default [table T]"

// parseRoutes parses and checks every line of a routes file.
func parseRoutes(r reader, ns *Namespace, lines []wordLine) []Route {
	var out []Route
	seen := map[string]Route{}
	for _, line := range lines {
		c := newCursor(r, line)
		rt, ok := parseRoute(c, ns)
		if !ok {
			continue
		}
		key := routeKey(rt)
		if first, dup := seen[key]; dup {
			c.failLine("duplicate: %s is the same route (destination, table and metric) as %s; the kernel keeps only one", rt, first.Where())
			continue
		}
		seen[key] = rt
		out = append(out, rt)
	}
	return out
}

// routeKey is what makes a route unique for the kernel: its table,
// destination and metric.
func routeKey(r Route) string {
	return TableName(r.Table) + " " + r.Dst.String() + " " + strconv.Itoa(r.Metric)
}

// parseRoute parses one routes line and checks it against ns.
func parseRoute(c *wordCursor, ns *Namespace) (Route, bool) {
	rt := Route{File: c.line.file, Line: c.line.num, Type: RouteUnicast, Table: TableMain}
	first, _ := c.next()
	words := routeWords
	if slices.Contains(routeDrops, RouteType(first)) {
		rt.Type, words = RouteType(first), dropWords
		if c.done() {
			c.failAt(0, "%s needs a destination; the form is %s", first, routeForm)
			return rt, false
		}
		first, _ = c.next()
	}
	dstAt := c.i - 1
	dst, isDefault, ok := parseDst(c, first, dstAt)
	metric := -1
	for !c.done() {
		parseRouteWord(c, ns, &rt, words, &metric)
	}
	if !ok || c.bad {
		return rt, false
	}
	rt.Dst = resolveDefault(dst, isDefault, rt)
	rt.Metric = metric
	if metric < 0 {
		rt.Metric = defaultMetric(rt.IPv6())
	}
	checkRoute(c, ns, &rt, dstAt)
	return rt, !c.bad
}

// parseDst parses the destination word: a prefix or default.
func parseDst(c *wordCursor, w string, at int) (netip.Prefix, bool, bool) {
	if w == "default" {
		return netip.Prefix{}, true, true
	}
	p, err := ParsePrefix(w)
	if err != nil {
		c.failAt(at, "%v; the form is %s", err, routeForm)
		return p, false, false
	}
	return p, false, true
}

// resolveDefault gives default its family: IPv6 when the gateway or the
// source is IPv6, IPv4 otherwise (as ip route does).
func resolveDefault(dst netip.Prefix, isDefault bool, rt Route) netip.Prefix {
	if !isDefault {
		return dst
	}
	if rt.Via.Is6() || rt.Src.Is6() {
		return netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	}
	return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
}

// parseRouteWord reads one keyword of a route line and its value.
func parseRouteWord(c *wordCursor, ns *Namespace, rt *Route, words []string, metric *int) {
	w, at, ok := c.keyword(words, "the form is "+routeForm)
	if !ok {
		c.skipValue()
		return
	}
	switch w {
	case "via":
		rt.Via, _ = parseWith(c, w, at, "a gateway address", parseHostAddr)
	case "dev":
		rt.Dev, _ = parseWith(c, w, at, "an interface of the namespace", parseIfName)
	case "table":
		rt.Table, _ = parseWith(c, w, at, "a routing table", ParseTable)
	case "metric":
		if m, ok := parseWith(c, w, at, "a number", parseCount("metric")); ok {
			*metric = m
		}
	case "src":
		rt.Src, _ = parseWith(c, w, at, "a source address", parseHostAddr)
	case "onlink":
		rt.Onlink = true
	case "mtu":
		rt.MTU, _ = parseWith(c, w, at, "a number", parseRouteMTU)
	}
}

// skipValue skips the value after an unknown word when that word is a
// known keyword taking one (given twice, or not allowed for the type), so
// that one mistake is reported once.
func (c *wordCursor) skipValue() {
	w := c.line.words[c.i-1]
	if w != "onlink" && slices.Contains(append(routeWords, ruleWords...), w) && !c.done() {
		c.i++
	}
}

// interfaceNames lists the names of ns's interfaces, for messages.
func interfaceNames(ns *Namespace) string {
	var names []string
	for _, ifc := range ns.Interfaces {
		names = append(names, ifc.Name)
	}
	if len(names) == 0 {
		return "it has none but " + LoopbackName
	}
	return "its interfaces are " + strings.Join(names, ", ") + " and " + LoopbackName
}

// findInterface returns the interface of ns named name, nil for none.
func findInterface(ns *Namespace, name string) *Interface {
	for i := range ns.Interfaces {
		if ns.Interfaces[i].Name == name {
			return &ns.Interfaces[i]
		}
	}
	return nil
}
