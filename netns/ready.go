// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"

	"github.com/vserverx/vserverx/config"
)

// ifaceSysctl is one per-interface sysctl that vserverx sets on every
// interface it creates or moves into a namespace, before the interface is
// UP: under /proc/sys/net/FAMILY/conf/NAME/KEY.
type ifaceSysctl struct {
	family string // "ipv4" or "ipv6"
	key    string
	value  string
}

// path is the sysctl's file for interface name. It is built directly, not
// from a dotted key: interface names may contain dots.
func (s ifaceSysctl) path(name string) string {
	return "/proc/sys/net/" + s.family + "/conf/" + name + "/" + s.key
}

// readySysctls are the per-interface sysctls of interface ifc of def, in
// the order they are written:
//
//   - accept_ra=0 and autoconf=0, so that a router advertisement on the
//     link adds no address and no route the definition does not name;
//     with slaac yes, autoconf=1 and accept_ra=1, or accept_ra=2 when the
//     definition turns IPv6 forwarding on (the kernel ignores router
//     advertisements on a forwarding interface at accept_ra=1);
//   - arp_notify=1 and ndisc_notify=1, so that neighbours and switches
//     learn the interface's MAC at once when it comes up or changes;
//   - dad off: accept_dad=0 (no duplicate address detection, also for the
//     addresses util-vserver adds later); dad optimistic: optimistic_dad=1
//     (RFC 4429: addresses usable during detection).
func readySysctls(def *config.Namespace, ifc *config.Interface) []ifaceSysctl {
	ra, autoconf := "0", "0"
	if ifc.SLAAC {
		ra, autoconf = "1", "1"
		if forwardsIPv6(def, ifc.Name) {
			ra = "2"
		}
	}
	s := []ifaceSysctl{
		{"ipv6", "accept_ra", ra},
		{"ipv6", "autoconf", autoconf},
		{"ipv4", "arp_notify", "1"},
		{"ipv6", "ndisc_notify", "1"},
	}
	switch ifc.DAD {
	case config.DADOff:
		s = append(s, ifaceSysctl{"ipv6", "accept_dad", "0"})
	case config.DADOptimistic:
		s = append(s, ifaceSysctl{"ipv6", "optimistic_dad", "1"})
	}
	return s
}

// forwardsIPv6 reports whether def's sysctls turn IPv6 forwarding on for
// interface name (all, default or that interface).
func forwardsIPv6(def *config.Namespace, name string) bool {
	for _, s := range def.Sysctls {
		switch s.Key {
		case "net.ipv6.conf.all.forwarding", "net.ipv6.conf.default.forwarding", "net.ipv6.conf." + name + ".forwarding":
			if v := strings.TrimSpace(s.Value); v != "" && v != "0" {
				return true
			}
		}
	}
	return false
}
