// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"net/netip"
	"slices"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// undefinedAddrs lists the addresses in X that nobody defined: those on a
// link that is not an interface of the definition, unless a member's
// util-vserver interfaces/ names them for that device. The kernel's own
// are left out: IPv6 link-local addresses and lo's 127.0.0.1/8 and ::1.
// An extra address on an interface of the definition is drift instead
// (apply removes it), so it is not listed here.
func undefinedAddrs(grp *config.Group, links []netns.LinkStatus) []string {
	var out []string
	for _, l := range links {
		if definesInterface(grp.NS, l.Name) {
			continue
		}
		for _, s := range l.Addrs {
			p, err := netip.ParsePrefix(s)
			if err != nil || kernelAddr(l.Name, p) || memberAddr(grp, l.Name, p) {
				continue
			}
			out = append(out, "address "+s+" on "+l.Name)
		}
	}
	return out
}

// definesInterface reports whether def has an interface named name.
func definesInterface(def *config.Namespace, name string) bool {
	return slices.ContainsFunc(def.Interfaces, func(ifc config.Interface) bool { return ifc.Name == name })
}

// kernelAddr reports whether p on link dev is the kernel's own.
func kernelAddr(dev string, p netip.Prefix) bool {
	if p.Addr().Is6() && p.Addr().IsLinkLocalUnicast() {
		return true
	}
	return dev == "lo" && (p == netip.MustParsePrefix("127.0.0.1/8") || p == netip.MustParsePrefix("::1/128"))
}

// memberAddr reports whether a member's util-vserver interfaces/ puts p
// on dev.
func memberAddr(grp *config.Group, dev string, p netip.Prefix) bool {
	for _, g := range grp.Members {
		for _, a := range g.ClassicAddrs() {
			if a.Dev == dev && a.Prefix.Addr() == p.Addr() {
				return true
			}
		}
	}
	return false
}
