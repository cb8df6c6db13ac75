// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package selftest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// The classic guest's interface: VLAN 2 on the trunk, id 42, interface 0.
const (
	vlanID  = 2
	vlanMAC = "02:00:02:00:2a:00"
)

// TestVLANOnDummyTrunk creates a dummy trunk and a VLAN 2 on it through
// netlink and checks the kernel's view: the link attributes read back, the
// 8021q driver's /proc/net/vlan/config and iproute2's details.
func TestVLANOnDummyTrunk(t *testing.T) {
	requireDrivers(t)
	h := routeHandle(t, netns.None())
	trunk := addDummy(t, h, "trunk0")
	addVLAN(t, h, trunk, "trunk0.2")

	checkVLAN(t, h, "trunk0.2", trunk.Attrs().Index)
	checkVLANConfig(t, "/proc/net/vlan/config", "trunk0.2", "trunk0")
	out := nstest.IP(t, "-d", "link", "show", "trunk0.2")
	if !strings.Contains(out, "trunk0.2@trunk0") || !strings.Contains(out, fmt.Sprintf("vlan protocol 802.1Q id %d ", vlanID)) {
		t.Errorf("ip -d link show trunk0.2 does not show VLAN %d on trunk0:\n%s", vlanID, out)
	}
}

// TestVLANInNamespace creates the VLAN on the trunk directly inside a fresh
// network namespace (IFLA_NET_NS_FD), as the engine creates a guest's
// interface, and checks it from inside: the link through a handle bound to
// that namespace, /proc/net/vlan/config as a thread inside it reads it;
// the trunk's namespace does not list it.
func TestVLANInNamespace(t *testing.T) {
	requireDrivers(t)
	h := routeHandle(t, netns.None())
	trunk := addDummy(t, h, "trunk0")
	ns := newNetns(t)
	addVLANIn(t, h, trunk, "trunk0.2", ns)
	if _, err := h.LinkByName("trunk0.2"); err == nil {
		t.Errorf("trunk0.2 exists in the trunk's namespace too")
	}
	inner := routeHandle(t, ns)
	checkVLAN(t, inner, "trunk0.2", trunk.Attrs().Index)
	config := readIn(t, ns, "/proc/thread-self/net/vlan/config")
	checkVLANConfigText(t, "/proc/net/vlan/config inside the namespace", config, "trunk0.2", "trunk0")
	host, err := os.ReadFile("/proc/net/vlan/config")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(host, []byte("trunk0.2")) {
		t.Errorf("/proc/net/vlan/config of the trunk's namespace still lists trunk0.2:\n%s", host)
	}
}

// TestIPVLANOnDummy creates an ipvlan (mode l2) on a dummy parent and
// reads its mode and parent back.
func TestIPVLANOnDummy(t *testing.T) {
	nstest.RequireDriver(t, "dummy")
	nstest.RequireDriver(t, "ipvlan")
	h := routeHandle(t, netns.None())
	parent := addDummy(t, h, "trunk0")
	ipv := &netlink.IPVlan{LinkAttrs: netlink.LinkAttrs{Name: "ipv0", ParentIndex: parent.Attrs().Index}, Mode: netlink.IPVLAN_MODE_L2}
	if err := h.LinkAdd(ipv); err != nil {
		t.Fatalf("adding ipvlan ipv0 on trunk0: %v", err)
	}
	t.Cleanup(func() { _ = h.LinkDel(ipv) })
	got, err := h.LinkByName("ipv0")
	if err != nil {
		t.Fatal(err)
	}
	g, ok := got.(*netlink.IPVlan)
	if !ok || g.Mode != netlink.IPVLAN_MODE_L2 || g.ParentIndex != parent.Attrs().Index {
		t.Fatalf("ipv0 reads back as %T %+v, want ipvlan mode l2 on trunk0 (index %d)", got, got.Attrs(), parent.Attrs().Index)
	}
}

func requireDrivers(t *testing.T) {
	t.Helper()
	nstest.RequireDriver(t, "dummy")
	nstest.RequireDriver(t, "8021q")
}

// routeHandle returns a netlink handle for ns (netns.None(): the current
// one) that speaks NETLINK_ROUTE only: the VM's kernel has no xfrm or
// netfilter netlink families loaded.
func routeHandle(t *testing.T, ns netns.NsHandle) *netlink.Handle {
	t.Helper()
	var h *netlink.Handle
	var err error
	if ns == netns.None() {
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
	} else {
		h, err = netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	}
	if err != nil {
		t.Fatalf("netlink handle: %v", err)
	}
	t.Cleanup(h.Close)
	return h
}

// addDummy adds an UP dummy link, deleted when the test ends.
// Equivalent to: ip link add NAME type dummy && ip link set NAME up
func addDummy(t *testing.T, h *netlink.Handle, name string) netlink.Link {
	t.Helper()
	d := &netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Name: name}}
	if err := h.LinkAdd(d); err != nil {
		t.Fatalf("adding dummy %s: %v", name, err)
	}
	t.Cleanup(func() { _ = h.LinkDel(d) })
	if err := h.LinkSetUp(d); err != nil {
		t.Fatalf("setting %s up: %v", name, err)
	}
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// addVLAN adds VLAN vlanID on trunk with MAC vlanMAC, deleted when the test
// ends. Equivalent to: ip link add link TRUNK name NAME address MAC type
// vlan id 2
func addVLAN(t *testing.T, h *netlink.Handle, trunk netlink.Link, name string) netlink.Link {
	t.Helper()
	return addVLANIn(t, h, trunk, name, netns.None())
}

// addVLANIn is addVLAN creating the link directly inside ns (netns.None():
// h's own namespace); there it goes when the test deletes the trunk.
// Equivalent to: ip link add link TRUNK name NAME netns NS address MAC
// type vlan id 2
func addVLANIn(t *testing.T, h *netlink.Handle, trunk netlink.Link, name string, ns netns.NsHandle) netlink.Link {
	t.Helper()
	mac, err := net.ParseMAC(vlanMAC)
	if err != nil {
		t.Fatal(err)
	}
	v := &netlink.Vlan{
		LinkAttrs:    netlink.LinkAttrs{Name: name, ParentIndex: trunk.Attrs().Index, HardwareAddr: mac},
		VlanId:       vlanID,
		VlanProtocol: netlink.VLAN_PROTOCOL_8021Q,
	}
	if ns != netns.None() {
		v.Namespace = netlink.NsFd(int(ns))
	}
	if err := h.LinkAdd(v); err != nil {
		t.Fatalf("adding VLAN %s (id %d) on %s: %v", name, vlanID, trunk.Attrs().Name, err)
	}
	if ns == netns.None() {
		t.Cleanup(func() { _ = h.LinkDel(v) })
	}
	return v
}

// checkVLAN reads link name back through h and checks it is an 802.1Q
// VLAN vlanID on the link with index parent, with MAC vlanMAC.
func checkVLAN(t *testing.T, h *netlink.Handle, name string, parent int) {
	t.Helper()
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatalf("reading %s back: %v", name, err)
	}
	v, ok := l.(*netlink.Vlan)
	if !ok {
		t.Fatalf("%s reads back as %s, want vlan", name, l.Type())
	}
	if v.VlanId != vlanID || v.VlanProtocol != netlink.VLAN_PROTOCOL_8021Q {
		t.Errorf("%s: VLAN id %d protocol %s, want id %d protocol 802.1q", name, v.VlanId, v.VlanProtocol, vlanID)
	}
	if v.ParentIndex != parent {
		t.Errorf("%s: parent index %d, want %d", name, v.ParentIndex, parent)
	}
	if v.HardwareAddr.String() != vlanMAC {
		t.Errorf("%s: MAC %s, want %s", name, v.HardwareAddr, vlanMAC)
	}
}

// checkVLANConfig reads file (the 8021q driver's table) and checks it.
func checkVLANConfig(t *testing.T, file, dev, parent string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v", file, err)
	}
	checkVLANConfigText(t, file, string(b), dev, parent)
}

// checkVLANConfigText checks that the 8021q driver's table lists dev as
// VLAN vlanID on parent. Its lines read "dev | id | parent".
func checkVLANConfigText(t *testing.T, what, config, dev, parent string) {
	t.Helper()
	for _, line := range strings.Split(config, "\n") {
		f := strings.Split(line, "|")
		if len(f) == 3 && strings.TrimSpace(f[0]) == dev {
			if id := strings.TrimSpace(f[1]); id != fmt.Sprint(vlanID) || strings.TrimSpace(f[2]) != parent {
				t.Errorf("%s lists %s as VLAN %s on %s, want VLAN %d on %s", what, dev, id, strings.TrimSpace(f[2]), vlanID, parent)
			}
			return
		}
	}
	t.Errorf("%s does not list %s:\n%s", what, dev, config)
}

// newNetns creates a network namespace without entering it and closes
// its handle when the test ends.
func newNetns(t *testing.T) netns.NsHandle {
	t.Helper()
	var ns netns.NsHandle
	err := onThreadIn(netns.None(), func() error {
		var err error
		ns, err = netns.New()
		return err
	})
	if err != nil {
		t.Fatalf("creating a network namespace: %v", err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns
}

// readIn reads file from a thread inside ns.
func readIn(t *testing.T, ns netns.NsHandle, file string) string {
	t.Helper()
	var b []byte
	err := onThreadIn(ns, func() error {
		var err error
		b, err = os.ReadFile(file)
		return err
	})
	if err != nil {
		t.Fatalf("reading %s inside the namespace: %v", file, err)
	}
	return string(b)
}

// onThreadIn runs fn on a locked OS thread that is in ns (netns.None():
// stays where it is; fn may switch it), then switches the thread back. The
// thread is unlocked only if switching back worked; otherwise the goroutine
// ends locked and the runtime discards the thread.
func onThreadIn(ns netns.NsHandle, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		if ns != netns.None() {
			if err := netns.Set(ns); err != nil {
				errc <- err
				return
			}
		}
		ferr := fn()
		if err := netns.Set(orig); err != nil {
			errc <- fmt.Errorf("switching back: %w", err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}
