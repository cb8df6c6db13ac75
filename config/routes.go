// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
)

// Entries of a namespace definition that hold routes and policy rules.
const (
	NSRoutes = "routes"
	NSRules  = "rules"
)

// RouteType is the kind of a route in the routes file.
type RouteType string

// The route types of the routes file: a route through an interface or a
// gateway, and the three that drop what they match.
const (
	RouteUnicast     RouteType = "unicast"
	RouteBlackhole   RouteType = "blackhole"   // dropped silently
	RouteUnreachable RouteType = "unreachable" // ICMP host unreachable
	RouteProhibit    RouteType = "prohibit"    // ICMP administratively prohibited
)

// The routing tables that have names; any other is given by number.
const (
	TableDefault = 253
	TableMain    = 254
	TableLocal   = 255
)

// tableNames are the names of routing tables the files accept.
var tableNames = map[string]int{"default": TableDefault, "main": TableMain, "local": TableLocal}

// DefaultIPv6Metric is the metric the kernel gives an IPv6 route added
// without one; an IPv4 route gets 0.
const DefaultIPv6Metric = 1024

// Route is one line of CONFDIR/.netns/X/routes, validated.
type Route struct {
	File string // the routes file, for messages
	Line int    // its line number

	Type   RouteType
	Dst    netip.Prefix // masked; 0.0.0.0/0 or ::/0 for default
	Via    netip.Addr   // the gateway, invalid for none
	Dev    string       // "" lets the kernel pick the interface
	Table  int          // TableMain unless given
	Metric int          // the effective metric (DefaultIPv6Metric for IPv6 without one)
	Src    netip.Addr   // preferred source address, invalid for none
	Onlink bool         // the gateway is on the link even if no prefix says so
	MTU    int          // 0 for the interface's
}

// Where is "FILE line N", for messages.
func (r Route) Where() string { return fmt.Sprintf("%s line %d", r.File, r.Line) }

// IPv6 reports whether the route is an IPv6 route.
func (r Route) IPv6() bool { return r.Dst.Addr().Is6() }

// String is the route in `ip route` syntax, with every value it has.
func (r Route) String() string {
	var w []string
	if r.Type != RouteUnicast {
		w = append(w, string(r.Type))
	}
	w = append(w, dstText(r.Dst))
	if r.Via.IsValid() {
		w = append(w, "via", r.Via.String())
	}
	if r.Dev != "" {
		w = append(w, "dev", r.Dev)
	}
	if r.Table != TableMain {
		w = append(w, "table", TableName(r.Table))
	}
	if r.Metric != defaultMetric(r.IPv6()) {
		w = append(w, "metric", strconv.Itoa(r.Metric))
	}
	if r.Src.IsValid() {
		w = append(w, "src", r.Src.String())
	}
	if r.Onlink {
		w = append(w, "onlink")
	}
	if r.MTU != 0 {
		w = append(w, "mtu", strconv.Itoa(r.MTU))
	}
	return strings.Join(w, " ")
}

// dstText is "default" for a default route, the prefix otherwise.
func dstText(p netip.Prefix) string {
	if p.Bits() == 0 {
		return "default"
	}
	return p.String()
}

// defaultMetric is the metric the kernel gives a route added without one.
func defaultMetric(ipv6 bool) int {
	if ipv6 {
		return DefaultIPv6Metric
	}
	return 0
}

// TableName is the name of table t (main, local, default) or its number.
func TableName(t int) string {
	for name, n := range tableNames {
		if n == t {
			return name
		}
	}
	return strconv.Itoa(t)
}

// Rule is one policy routing rule of CONFDIR/.netns/X/rules, validated,
// for one address family: a line without from and to stands for a rule of
// each family (two Rule values with the same Line).
type Rule struct {
	File string
	Line int

	IPv6        bool
	Not         bool
	From, To    netip.Prefix // masked; invalid for "all"
	IIF, OIF    string
	Mark        uint32
	Mask        uint32
	HasMark     bool
	HasMask     bool
	Table       int
	Priority    int
	HasPriority bool // else the kernel picks one
}

// Where is "FILE line N", for messages.
func (r Rule) Where() string { return fmt.Sprintf("%s line %d", r.File, r.Line) }

// String is the rule in `ip rule` syntax, with its family first (-4 or
// -6).
func (r Rule) String() string {
	w := []string{"-4"}
	if r.IPv6 {
		w[0] = "-6"
	}
	if r.Not {
		w = append(w, "not")
	}
	if r.From.IsValid() {
		w = append(w, "from", r.From.String())
	}
	if r.To.IsValid() {
		w = append(w, "to", r.To.String())
	}
	if r.IIF != "" {
		w = append(w, "iif", r.IIF)
	}
	if r.OIF != "" {
		w = append(w, "oif", r.OIF)
	}
	if r.HasMark {
		w = append(w, "fwmark", markText(r.Mark, r.Mask, r.HasMask))
	}
	w = append(w, "lookup", TableName(r.Table))
	if r.HasPriority {
		w = append(w, "priority", strconv.Itoa(r.Priority))
	}
	return strings.Join(w, " ")
}

// markText is M or M/MASK in hexadecimal, as ip rule shows them.
func markText(mark, mask uint32, hasMask bool) string {
	s := fmt.Sprintf("%#x", mark)
	if hasMask {
		s += fmt.Sprintf("/%#x", mask)
	}
	return s
}

// readRouting reads the routes and rules files of ns, once its interfaces
// are known (dev, iif and oif name them; via and src need their
// addresses).
func readRouting(r reader, ns *Namespace) {
	if lines, ok := readLines(r, filepath.Join(ns.Dir, NSRoutes)); ok {
		ns.Routes = parseRoutes(r, ns, lines)
	}
	if lines, ok := readLines(r, filepath.Join(ns.Dir, NSRules)); ok {
		ns.Rules = parseRules(r, ns, lines)
	}
	checkGatewayClash(r, ns)
}

// wordLine is one line of a routes or rules file split into words.
type wordLine struct {
	file  string
	num   int
	words []string
}

// readLines reads file and splits each of its lines into shell words
// (github.com/google/shlex): blank lines and comments ('#' to the end of
// the line) give no words and are left out.
func readLines(r reader, file string) ([]wordLine, bool) {
	data, ok := r.read(file)
	if !ok {
		return nil, false
	}
	var out []wordLine
	for i, line := range strings.Split(string(data), "\n") {
		words, err := splitWords(line)
		if err != nil {
			r.add(file, "line %d: %v", i+1, err)
			continue
		}
		if len(words) > 0 {
			out = append(out, wordLine{file: file, num: i + 1, words: words})
		}
	}
	return out, true
}
