// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestRouterAdvertisement: a router on the link advertises 2001:db8:5::/64.
// Without slaac the interface gets neither an address from it nor a
// default route; with slaac it gets both, also when the definition turns
// IPv6 forwarding on (accept_ra=2).
func TestRouterAdvertisement(t *testing.T) {
	fwd := []config.Sysctl{{Key: "net.ipv6.conf.all.forwarding", Value: "1"}}
	for _, tc := range []struct {
		name    string
		slaac   bool
		sysctls []config.Sysctl
	}{
		{"no slaac", false, nil},
		{"slaac", true, nil},
		{"slaac, forwarding", true, fwd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nstest.HostNIC(t, "eth0")
			freshDir(t)
			def := testDef("ra", config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Name: "lan",
				MAC: mustMAC(t, "02:00:00:00:2e:00"), DAD: config.DADOff, SLAAC: tc.slaac})
			def.Sysctls = tc.sysctls
			setup(t, def)
			if tc.sysctls != nil {
				nstest.IP(t, "netns", "exec", "ra", "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding")
			}
			nstest.SendRA(t, "eth0p", netip.MustParsePrefix("2001:db8:5::/64"))
			got := waitSLAAC(t, "ra", tc.slaac)
			if got != tc.slaac {
				t.Errorf("slaac %v: autoconfigured = %v\n%s\n%s", tc.slaac, got,
					nstest.IP(t, "-n", "ra", "-6", "addr"), nstest.IP(t, "-n", "ra", "-6", "route"))
			}
		})
	}
}

// waitSLAAC reports whether X holds both an address in 2001:db8:5::/64 and
// an IPv6 default route, polling up to 3 s when want is true and looking
// after 1 s when it is false.
func waitSLAAC(t *testing.T, x string, want bool) bool {
	deadline := time.Now().Add(3 * time.Second)
	if !want {
		time.Sleep(time.Second)
	}
	for {
		addr := strings.Contains(nstest.IP(t, "-n", x, "-6", "addr", "show", "lan"), "2001:db8:5:")
		route := strings.Contains(nstest.IP(t, "-n", x, "-6", "route"), "default via fe80:")
		if addr && route || !want || time.Now().After(deadline) {
			return addr || route
		}
		time.Sleep(100 * time.Millisecond)
	}
}
