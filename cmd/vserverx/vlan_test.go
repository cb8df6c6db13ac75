// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// The classic guest of testdata/confdirs/classic: guest fw (context 42) in
// namespace fw with interface 0, VLAN 2 on eth0, named fw-vlan2.
const (
	vlanGuest  = "fw"
	vlanLink   = "fw-vlan2"
	vlanID     = 2
	vlanMAC    = "02:00:02:00:2a:00" // 02, VLAN 0002, id 002a, interface 00
	vlanAlias  = "vserverx:fw:0"
	vlanParent = "eth0"
)

// TestE2EClassicVLAN starts and stops the classic guest with a real
// 802.1Q VLAN 2 on a dummy trunk eth0, twice, and checks each start from
// the kernel's own view (netlink in fw, /proc/net/vlan/config read inside
// fw) and each stop from the host's (no link, no namespace, nothing else
// changed). It needs the 8021q and dummy drivers: it runs in the test VM
// (testdata/vmtest) and skips on kernels without them.
func TestE2EClassicVLAN(t *testing.T) {
	nstest.RequireDriver(t, "8021q")
	nstest.RequireDriver(t, "dummy")
	h := newHostNIC(t, dummyNIC, "classic")
	before := nstest.Snapshot(t)
	h.mustVX(vlanGuest, "setup")
	for cycle := 1; cycle <= 2; cycle++ {
		h.mustVX(vlanGuest, "start")
		checkVLANStarted(t, h, cycle)
		h.mustVX(vlanGuest, "stop")
		checkVLANStopped(t, h, cycle)
		nstest.AssertSame(t, before)
		if t.Failed() {
			t.Fatalf("start/stop cycle %d failed; not trying another", cycle)
		}
	}
}

// TestFaultInjectionVLAN: the classic guest's start (lock, namespace, the
// VLAN, vprocunhide, vserver) and stop (vserver stop, lock, teardown) are
// killed or interrupted right after each of their steps, with a real
// 802.1Q VLAN on a dummy trunk; after each, the next start succeeds and a
// stop leaves the host as it was. It needs 8021q and dummy: it runs in the
// test VM (make test; some fifty vserverx runs, about two minutes under
// qemu without KVM) and skips elsewhere.
func TestFaultInjectionVLAN(t *testing.T) {
	nstest.RequireDriver(t, "8021q")
	nstest.RequireDriver(t, "dummy")
	h := newHostNIC(t, dummyNIC, "classic")
	h.mustVX(vlanGuest, "setup")
	faultEveryStartStep(t, h, vlanGuest, vlanGuest, planSteps(t, h, vlanGuest, 5))
	faultEveryStopStep(t, h, vlanGuest, vlanGuest)
}

// checkVLANStarted checks a started classic guest: fw is the only named
// namespace, the stand-in guest runs in it, and fw-vlan2 is what the
// configuration asks for, seen by netlink and by the 8021q driver.
func checkVLANStarted(t *testing.T, h *host, cycle int) {
	t.Helper()
	if got := netnsList(t); !slices.Equal(got, []string{vlanGuest}) {
		t.Fatalf("cycle %d: ip netns list = %v, want [%s]", cycle, got, vlanGuest)
	}
	if got, want := h.guestNetns(vlanGuest), h.netnsID(vlanGuest); got != want {
		t.Errorf("cycle %d: stand-in guest runs in %q, namespace %s is %q", cycle, got, vlanGuest, want)
	}
	parent := hostLink(t, vlanParent)
	if _, ok := parent.(*netlink.Dummy); !ok {
		t.Fatalf("cycle %d: host %s is a %s, want the dummy trunk", cycle, vlanParent, parent.Type())
	}
	if l, err := hostHandle(t).LinkByName(vlanLink); err == nil {
		t.Errorf("cycle %d: %s (index %d) is on the host, want it only inside %s", cycle, vlanLink, l.Attrs().Index, vlanGuest)
	}
	for _, p := range vlanProblems(t, vlanGuest, parent.Attrs().Index) {
		t.Errorf("cycle %d: %s", cycle, p)
	}
	config := nstest.IP(t, "netns", "exec", vlanGuest, "cat", "/proc/net/vlan/config")
	if err := vlanConfigHas(config, vlanLink, vlanID, vlanParent); err != nil {
		t.Errorf("cycle %d: /proc/net/vlan/config inside %s: %v", cycle, vlanGuest, err)
	}
}

// checkVLANStopped checks that stop left no trace of fw: the guest does
// not run, no host link carries its alias, /run/netns/fw is gone and
// `ip netns list` is empty.
func checkVLANStopped(t *testing.T, h *host, cycle int) {
	t.Helper()
	if r := h.vserver(vlanGuest, "running"); r.code == 0 {
		t.Errorf("cycle %d: guest %s still runs after stop", cycle, vlanGuest)
	}
	links, err := hostHandle(t).LinkList()
	if err != nil {
		t.Fatalf("cycle %d: listing the host's links: %v", cycle, err)
	}
	for _, l := range links {
		if a := l.Attrs(); a.Alias == vlanAlias || a.Name == vlanLink {
			t.Errorf("cycle %d: host link %s (alias %q) left after stop", cycle, a.Name, a.Alias)
		}
	}
	if _, err := os.Stat(filepath.Join(nstest.NetnsDir, vlanGuest)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cycle %d: %s/%s after stop: %v, want it absent", cycle, nstest.NetnsDir, vlanGuest, err)
	}
	if got := netnsList(t); len(got) != 0 {
		t.Errorf("cycle %d: ip netns list after stop = %v, want none", cycle, got)
	}
}

// vlanProblems reads fw-vlan2 through a netlink handle bound to namespace
// x and lists how it differs from the classic guest's VLAN: 802.1Q id 2,
// its parent the host's ifindex parentIndex in the namespace the link's
// link-netnsid names, MAC, alias, UP.
func vlanProblems(t *testing.T, x string, parentIndex int) []string {
	t.Helper()
	ns, err := netns.GetFromName(x)
	if err != nil {
		t.Fatalf("opening namespace %s: %v", x, err)
	}
	defer ns.Close()
	inner, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatalf("netlink handle in %s: %v", x, err)
	}
	defer inner.Close()
	l, err := inner.LinkByName(vlanLink)
	if err != nil {
		t.Fatalf("%s in namespace %s: %v", vlanLink, x, err)
	}
	v, ok := l.(*netlink.Vlan)
	if !ok {
		return []string{fmt.Sprintf("%s in %s is a %s link, want vlan", vlanLink, x, l.Type())}
	}
	problems := vlanAttrProblems(v, parentIndex)
	hostID, err := hostNsid(inner)
	if err != nil {
		return append(problems, err.Error())
	}
	if v.NetNsID != hostID {
		problems = append(problems, fmt.Sprintf("%s's parent lives in netnsid %d, the host namespace is netnsid %d in %s", vlanLink, v.NetNsID, hostID, x))
	}
	return problems
}

// vlanAttrProblems compares the VLAN's own attributes with the classic
// guest's configuration.
func vlanAttrProblems(v *netlink.Vlan, parentIndex int) []string {
	a := v.Attrs()
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(vlanLink+": "+format, args...))
	}
	if v.VlanId != vlanID {
		add("VLAN id %d, want %d", v.VlanId, vlanID)
	}
	if v.VlanProtocol != netlink.VLAN_PROTOCOL_8021Q {
		add("VLAN protocol %s, want 802.1Q", v.VlanProtocol)
	}
	if a.ParentIndex != parentIndex {
		add("parent ifindex %d, want %d (host %s)", a.ParentIndex, parentIndex, vlanParent)
	}
	if a.HardwareAddr.String() != vlanMAC {
		add("MAC %s, want %s", a.HardwareAddr, vlanMAC)
	}
	if a.Alias != vlanAlias {
		add("alias %q, want %q", a.Alias, vlanAlias)
	}
	if a.Flags&net.FlagUp == 0 {
		add("not UP (flags %v)", a.Flags)
	}
	return problems
}

// hostNsid returns the id namespace inner's handle gives the host's
// (this thread's) namespace. Ask after reading a link whose parent is on
// the host: the kernel assigns the id when it reports that link.
//
// Equivalent to: ip -n X netns list-id, matched against the host.
func hostNsid(inner *netlink.Handle) (int, error) {
	self, err := netns.Get()
	if err != nil {
		return 0, fmt.Errorf("opening the host namespace: %w", err)
	}
	defer self.Close()
	id, err := inner.GetNetNsIdByFd(int(self))
	if err != nil {
		return 0, fmt.Errorf("netnsid of the host namespace: %w", err)
	}
	if id < 0 {
		return 0, fmt.Errorf("the host namespace has no netnsid (%d) although %s's parent lives there", id, vlanLink)
	}
	return id, nil
}

// vlanConfigHas checks that the 8021q driver's table (/proc/net/vlan/config:
// "Device | VID | Parent" rows after two header lines) lists device with
// VLAN id vid on parent.
func vlanConfigHas(config, device string, vid int, parent string) error {
	for _, line := range strings.Split(config, "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 || strings.TrimSpace(f[0]) != device {
			continue
		}
		if got, want := strings.TrimSpace(f[1])+" on "+strings.TrimSpace(f[2]), fmt.Sprintf("%d on %s", vid, parent); got != want {
			return fmt.Errorf("%s is VLAN %s, want %s:\n%s", device, got, want, config)
		}
		return nil
	}
	return fmt.Errorf("no row for %s:\n%s", device, config)
}

// hostHandle is a netlink handle in the test's (the sandbox's host)
// namespace, closed when the test ends.
func hostHandle(t *testing.T) *netlink.Handle {
	t.Helper()
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatalf("netlink handle: %v", err)
	}
	t.Cleanup(h.Close)
	return h
}

// hostLink reads the host link name through netlink.
func hostLink(t *testing.T, name string) netlink.Link {
	t.Helper()
	l, err := hostHandle(t).LinkByName(name)
	if err != nil {
		t.Fatalf("host link %s: %v", name, err)
	}
	return l
}

func TestVLANConfigHas(t *testing.T) {
	const config = "VLAN Dev name    | VLAN ID\n" +
		"Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n" +
		"fw-vlan2       | 2  | eth0\n"
	if err := vlanConfigHas(config, "fw-vlan2", 2, "eth0"); err != nil {
		t.Errorf("matching row: %v", err)
	}
	for _, c := range []struct {
		device string
		vid    int
		parent string
		want   string
	}{
		{"fw-vlan2", 3, "eth0", "fw-vlan2 is VLAN 2 on eth0, want 3 on eth0"},
		{"fw-vlan2", 2, "eth1", "fw-vlan2 is VLAN 2 on eth0, want 2 on eth1"},
		{"fw-vlan3", 2, "eth0", "no row for fw-vlan3"},
	} {
		if err := vlanConfigHas(config, c.device, c.vid, c.parent); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("vlanConfigHas(%s, %d, %s) = %v, want %q", c.device, c.vid, c.parent, err, c.want)
		}
	}
}

func TestVLANAttrProblems(t *testing.T) {
	mac, _ := net.ParseMAC(vlanMAC)
	good := func() *netlink.Vlan {
		return &netlink.Vlan{LinkAttrs: netlink.LinkAttrs{ParentIndex: 7, HardwareAddr: mac, Alias: vlanAlias, Flags: net.FlagUp},
			VlanId: vlanID, VlanProtocol: netlink.VLAN_PROTOCOL_8021Q}
	}
	if p := vlanAttrProblems(good(), 7); p != nil {
		t.Errorf("the configured VLAN: problems %q", p)
	}
	for _, c := range []struct {
		change func(v *netlink.Vlan)
		want   string
	}{
		{func(v *netlink.Vlan) { v.VlanId = 3 }, "VLAN id 3, want 2"},
		{func(v *netlink.Vlan) { v.VlanProtocol = netlink.VLAN_PROTOCOL_8021AD }, "VLAN protocol 802.1ad, want 802.1Q"},
		{func(v *netlink.Vlan) { v.ParentIndex = 8 }, "parent ifindex 8, want 7"},
		{func(v *netlink.Vlan) { v.HardwareAddr = net.HardwareAddr{2, 0, 3, 0, 0x2a, 0} }, "MAC 02:00:03:00:2a:00, want " + vlanMAC},
		{func(v *netlink.Vlan) { v.Alias = "" }, `alias "", want "vserverx:fw:0"`},
		{func(v *netlink.Vlan) { v.Flags = 0 }, "not UP"},
	} {
		v := good()
		c.change(v)
		if p := vlanAttrProblems(v, 7); len(p) != 1 || !strings.Contains(p[0], c.want) {
			t.Errorf("problems %q, want one containing %q", p, c.want)
		}
	}
}

func TestCheckPrebuilt(t *testing.T) {
	dir := t.TempDir()
	exe, plain := filepath.Join(dir, "vserverx"), filepath.Join(dir, "notexec")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkPrebuilt(exe); err != nil {
		t.Errorf("checkPrebuilt(%s): %v", exe, err)
	}
	for bin, want := range map[string]string{
		"bin/vserverx":             EnvE2EBinary + "=bin/vserverx: want an absolute path",
		filepath.Join(dir, "nope"): EnvE2EBinary + "=" + filepath.Join(dir, "nope") + ": stat",
		plain:                      "not an executable file",
		dir:                        "not an executable file",
	} {
		if err := checkPrebuilt(bin); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkPrebuilt(%s) = %v, want an error containing %q", bin, err, want)
		}
	}
}
