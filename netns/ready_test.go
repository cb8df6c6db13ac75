// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestReadySysctls: the values written before an interface is UP follow
// its slaac and dad files and the definition's IPv6 forwarding.
func TestReadySysctls(t *testing.T) {
	fwd := []config.Sysctl{{Key: "net.ipv6.conf.all.forwarding", Value: "1"}}
	cases := []struct {
		name    string
		ifc     config.Interface
		sysctls []config.Sysctl
		want    string
	}{
		{"defaults", config.Interface{Name: "eth0", DAD: config.DADWait}, nil,
			"ipv6/accept_ra=0 ipv6/autoconf=0 ipv4/arp_notify=1 ipv6/ndisc_notify=1"},
		{"slaac", config.Interface{Name: "eth0", SLAAC: true}, nil,
			"ipv6/accept_ra=1 ipv6/autoconf=1 ipv4/arp_notify=1 ipv6/ndisc_notify=1"},
		{"slaac, forwarding", config.Interface{Name: "eth0", SLAAC: true}, fwd,
			"ipv6/accept_ra=2 ipv6/autoconf=1 ipv4/arp_notify=1 ipv6/ndisc_notify=1"},
		{"slaac, forwarding on this interface", config.Interface{Name: "lan", SLAAC: true},
			[]config.Sysctl{{Key: "net.ipv6.conf.lan.forwarding", Value: "1\n"}},
			"ipv6/accept_ra=2 ipv6/autoconf=1 ipv4/arp_notify=1 ipv6/ndisc_notify=1"},
		{"slaac, forwarding off", config.Interface{Name: "eth0", SLAAC: true},
			[]config.Sysctl{{Key: "net.ipv6.conf.all.forwarding", Value: "0"}},
			"ipv6/accept_ra=1 ipv6/autoconf=1 ipv4/arp_notify=1 ipv6/ndisc_notify=1"},
		{"dad off", config.Interface{Name: "eth0", DAD: config.DADOff}, nil,
			"ipv6/accept_ra=0 ipv6/autoconf=0 ipv4/arp_notify=1 ipv6/ndisc_notify=1 ipv6/accept_dad=0"},
		{"dad optimistic", config.Interface{Name: "eth0", DAD: config.DADOptimistic}, nil,
			"ipv6/accept_ra=0 ipv6/autoconf=0 ipv4/arp_notify=1 ipv6/ndisc_notify=1 ipv6/optimistic_dad=1"},
	}
	for _, c := range cases {
		def := &config.Namespace{Name: "x", Sysctls: c.sysctls}
		var got []string
		for _, s := range readySysctls(def, &c.ifc) {
			got = append(got, s.family+"/"+s.key+"="+s.value)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s: %s\n want %s", c.name, g, c.want)
		}
	}
	if p := (ifaceSysctl{"ipv6", "accept_ra", "0"}).path("eth0.5"); p != "/proc/sys/net/ipv6/conf/eth0.5/accept_ra" {
		t.Errorf("path of a dotted name: %s", p)
	}
}

// readConf reads /proc/sys/net/FAMILY/conf/IFNAME/KEY inside namespace x.
func readConf(t *testing.T, x, family, ifname, key string) string {
	t.Helper()
	out := nstest.IP(t, "netns", "exec", x, "cat", fmt.Sprintf("/proc/sys/net/%s/conf/%s/%s", family, ifname, key))
	return strings.TrimSpace(out)
}

// TestReadySysctlsOnLinks: every interface vserverx creates or moves in
// gets the readiness sysctls before it is UP (a macvlan with dad
// optimistic, a veth with slaac and dad off, a phys device with the
// defaults); an optimistic address is usable at once, and one on a dad
// off interface is never tentative.
func TestReadySysctlsOnLinks(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	nstest.HostNIC(t, "eth1")
	freshDir(t)
	def := testDef("rdy",
		config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Name: "mv", MAC: mustMAC(t, "02:00:00:00:2b:00"),
			Addrs: prefixes(t, "2001:db8::5/64"), DAD: config.DADOptimistic},
		config.Interface{Num: 1, Type: config.TypeVeth, Name: "ve", MAC: mustMAC(t, "02:00:00:00:2b:01"),
			Addrs: prefixes(t, "2001:db8:1::5/64"), DAD: config.DADOff, SLAAC: true},
		config.Interface{Num: 2, Type: config.TypePhys, Link: "eth1", Name: "ph", MACAuto: true, DAD: config.DADWait})
	setup(t, def)
	want := []struct{ ifname, family, key, value string }{
		{"mv", "ipv6", "accept_ra", "0"}, {"mv", "ipv6", "autoconf", "0"}, {"mv", "ipv4", "arp_notify", "1"},
		{"mv", "ipv6", "ndisc_notify", "1"}, {"mv", "ipv6", "optimistic_dad", "1"}, {"mv", "ipv6", "accept_dad", "1"},
		{"ve", "ipv6", "accept_ra", "1"}, {"ve", "ipv6", "autoconf", "1"}, {"ve", "ipv6", "accept_dad", "0"},
		{"ph", "ipv6", "accept_ra", "0"}, {"ph", "ipv6", "autoconf", "0"}, {"ph", "ipv4", "arp_notify", "1"},
		{"ph", "ipv6", "optimistic_dad", "0"},
	}
	for _, w := range want {
		if got := readConf(t, "rdy", w.family, w.ifname, w.key); got != w.value {
			t.Errorf("%s %s/%s = %s, want %s", w.ifname, w.family, w.key, got, w.value)
		}
	}
	addrs := nstest.IP(t, "-n", "rdy", "-6", "-o", "addr", "show")
	for _, line := range strings.Split(addrs, "\n") {
		if strings.Contains(line, "2001:db8::5/64") && !strings.Contains(line, "optimistic") {
			t.Errorf("dad optimistic: the address is not optimistic: %s", line)
		}
		if strings.Contains(line, "2001:db8:1::5/64") && strings.Contains(line, "tentative") {
			t.Errorf("dad off: the address is tentative: %s", line)
		}
	}
	if !strings.Contains(addrs, "2001:db8::5/64") || !strings.Contains(addrs, "2001:db8:1::5/64") {
		t.Errorf("addresses missing:\n%s", addrs)
	}
	// A phys device gets the host's defaults back when it moves out.
	if err := Teardown(dir, "rdy"); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(readHostFile(t, "/proc/sys/net/ipv6/conf/eth1/accept_ra")); got != "1" {
		t.Errorf("eth1 back on the host: accept_ra = %s, want the host's default 1", got)
	}
}

func readHostFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
