// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// freshDir makes the test leave /run/netns as it found it (absent), so
// that tests do not depend on each other's directory preparation.
func freshDir(t testing.TB) {
	t.Cleanup(func() {
		unix.Unmount(dir, 0)
		os.Remove(dir)
	})
}

// warmDir prepares /run/netns as the first Create does, so that a later
// Snapshot/AssertSame pair around Ensure+Teardown (which keeps the
// directory, as ip netns del does) compares like with like.
func warmDir(t testing.TB) {
	t.Helper()
	freshDir(t)
	ns, err := Create(dir, "warm")
	if err != nil {
		t.Fatal(err)
	}
	ns.Close()
	if err := DeleteNamespace(dir, "warm"); err != nil {
		t.Fatal(err)
	}
}

// setup ensures and converges def; everything is torn down at the end.
func setup(t testing.TB, def *config.Namespace) *NS {
	t.Helper()
	ns, _, _, err := Ensure(dir, def.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = Teardown(dir, def.Name) })
	if _, err := Converge(ns, def); err != nil {
		t.Fatal(err)
	}
	return ns
}

func prefixes(t testing.TB, s ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, x := range s {
		out = append(out, netip.MustParsePrefix(x))
	}
	return out
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, x := range s {
		out = append(out, netip.MustParseAddr(x))
	}
	return out
}

// mustContain fails unless out contains every want.
func mustContain(t testing.TB, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

func macvlanDef(t testing.TB, name string) *config.Namespace {
	return testDef(name, config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0",
		MAC: mustMAC(t, "02:00:00:00:2a:00"), MACAuto: true, MTU: 1400,
		Addrs: prefixes(t, "10.1.0.5/24", "fd00::5/64"), Gateways: addrs("10.1.0.1", "fd00::1")})
}

// TestMacvlan: created in bridge mode with MAC, alias, MTU, addresses,
// default routes, UP, lo UP; the host keeps no trace after Teardown.
func TestMacvlan(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	warmDir(t)
	before := nstest.Snapshot(t)
	ns := setup(t, macvlanDef(t, "fw"))
	mustContain(t, "ip -d link in fw", nstest.IP(t, "-n", "fw", "-d", "-o", "link", "show", "eth0"),
		"eth0@if", "<BROADCAST,MULTICAST,UP,LOWER_UP>", "mtu 1400", "link/ether 02:00:00:00:2a:00",
		"macvlan mode bridge", "alias vserverx:fw:0")
	mustContain(t, "ip addr in fw", nstest.IP(t, "-n", "fw", "addr", "show", "eth0"), "inet 10.1.0.5/24", "inet6 fd00::5/64")
	mustContain(t, "ip route in fw", nstest.IP(t, "-n", "fw", "route"), "default via 10.1.0.1 dev eth0")
	mustContain(t, "ip -6 route in fw", nstest.IP(t, "-n", "fw", "-6", "route"), "default via fd00::1 dev eth0")
	mustContain(t, "lo in fw", nstest.IP(t, "-n", "fw", "link", "show", "lo"), "<LOOPBACK,UP,LOWER_UP>")
	if out := nstest.IP(t, "-o", "link", "show"); strings.Count(out, "\n") != 3 {
		t.Errorf("host links besides lo, eth0, eth0p:\n%s", out)
	}
	links, err := Links(ns)
	if err != nil {
		t.Fatal(err)
	}
	var got *LinkStatus
	for i := range links {
		if links[i].Name == "eth0" {
			got = &links[i]
		}
	}
	if got == nil || got.Type != "macvlan" || got.MAC != "02:00:00:00:2a:00" || !strings.HasPrefix(got.State, "UP") ||
		got.Alias != "vserverx:fw:0" || got.MTU != 1400 || len(got.Addrs) < 2 || got.Addrs[0] != "10.1.0.5/24" {
		t.Errorf("Links: eth0 = %+v", got)
	}
	if err := Teardown(dir, "fw"); err != nil {
		t.Fatal(err)
	}
	if err := Teardown(dir, "fw"); err != nil {
		t.Errorf("second Teardown: %v", err)
	}
	nstest.AssertSame(t, before)
}

// TestConvergeIdempotent: a second Converge changes nothing.
func TestConvergeIdempotent(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := macvlanDef(t, "idem")
	def.Sysctls = []config.Sysctl{{Key: "net.ipv4.ip_forward", Value: "1", File: def.Dir + "/sysctl/net.ipv4.ip_forward"}}
	ns := setup(t, def)
	// Settled snapshots: fresh IPv6 addresses are "tentative" for a moment.
	was := nstest.SnapshotNamespace(t, "idem", "net.ipv4.ip_forward")
	change, undo, err := EnsureInterface(ns, def, &def.Interfaces[0])
	if err != nil || change != Unchanged {
		t.Fatalf("EnsureInterface on a converged namespace: %v %v, want unchanged", change, err)
	}
	undo()
	u, err := Converge(ns, def)
	if err != nil {
		t.Fatal(err)
	}
	if err := u(); err != nil {
		t.Fatal(err)
	}
	now := nstest.SnapshotNamespace(t, "idem", "net.ipv4.ip_forward")
	if gone, added := nstest.DiffNamespace(was, now); len(gone)+len(added) > 0 {
		t.Errorf("second Converge (and its undo) changed the namespace:\ngone:  %s\nadded: %s",
			strings.Join(gone, "\n       "), strings.Join(added, "\n       "))
	}
}

// TestRepair: wrong MTU, missing address, down state are repaired and the
// undo of the repair restores the broken state; a wrong type is reported
// by name and nothing is changed.
func TestRepair(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := macvlanDef(t, "rep")
	ns := setup(t, def)
	nstest.IP(t, "-n", "rep", "link", "set", "eth0", "mtu", "1300", "down")
	nstest.IP(t, "-n", "rep", "addr", "del", "10.1.0.5/24", "dev", "eth0")
	broken := nstest.SnapshotNamespace(t, "rep")
	change, undo, err := EnsureInterface(ns, def, &def.Interfaces[0])
	if err != nil || change != Repaired {
		t.Fatalf("EnsureInterface: %v %v, want repaired", change, err)
	}
	mustContain(t, "repaired eth0", nstest.IP(t, "-n", "rep", "-o", "addr")+nstest.IP(t, "-n", "rep", "link", "show", "eth0")+nstest.IP(t, "-n", "rep", "route"),
		"10.1.0.5/24", "mtu 1400", ",UP", "default via 10.1.0.1")
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if gone, added := nstest.DiffNamespace(broken, nstest.SnapshotNamespace(t, "rep")); len(gone)+len(added) > 0 {
		t.Errorf("undo of the repair did not restore:\ngone:  %s\nadded: %s",
			strings.Join(gone, "\n       "), strings.Join(added, "\n       "))
	}
	wrong := *def
	wrong.Interfaces = []config.Interface{def.Interfaces[0]}
	wrong.Interfaces[0].Type = config.TypeVeth
	was := nstest.IP(t, "-n", "rep", "-d", "-o", "link")
	_, _, err = EnsureInterface(ns, &wrong, &wrong.Interfaces[0])
	mustContain(t, "type mismatch error", errString(err), "rep", "eth0", "macvlan", def.Dir+"/interfaces/0/type")
	if now := nstest.IP(t, "-n", "rep", "-d", "-o", "link"); now != was {
		t.Errorf("a reported mismatch changed the namespace")
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestForeignLinksUntouched: a link without vserverx's alias (or with the
// alias of another namespace) is neither modified nor deleted, inside X or
// on the host.
func TestForeignLinksUntouched(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := macvlanDef(t, "fo")
	def.Interfaces = append(def.Interfaces, config.Interface{Num: 5, Name: "eth5", Type: config.TypeMacvlan, Link: "eth0", Dir: def.Dir + "/interfaces/5"})
	ns, _, _, err := Ensure(dir, "fo")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	t.Cleanup(func() { _ = Teardown(dir, "fo") })
	nstest.IP(t, "-n", "fo", "link", "add", "eth5", "type", "veth", "peer", "name", "eth5p")
	nstest.IP(t, "link", "add", "other0", "type", "veth", "peer", "name", "other1")
	nstest.IP(t, "link", "set", "other0", "alias", "vserverx:fo-other:0")
	defer nstest.IP(t, "link", "del", "other0")
	was := nstest.IP(t, "-n", "fo", "-d", "-o", "link", "show", "eth5")
	_, err = Converge(ns, def)
	mustContain(t, "foreign eth5 error", errString(err), "fo", "eth5", "not vserverx's", def.Dir+"/interfaces/5")
	if err := Teardown(dir, "fo"); err != nil {
		t.Fatal(err)
	}
	// ns is still open, so the namespace lives on for inspection.
	h, err := ns.NewHandle()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, n := range []string{"eth5", "eth5p"} {
		if _, err := h.LinkByName(n); err != nil {
			t.Errorf("Teardown deleted the foreign %s: %v", n, err)
		}
	}
	if now := ipNs(t, ns, "-d", "-o", "link", "show", "eth5"); now != was {
		t.Errorf("foreign eth5 modified:\n%s\nwas:\n%s", now, was)
	}
	mustContain(t, "host", nstest.IP(t, "-d", "link", "show", "other0"), "alias vserverx:fo-other:0")
}

// ipNs runs ip inside an open namespace that may have no name any more.
func ipNs(t testing.TB, ns *NS, args ...string) string {
	t.Helper()
	var out string
	err := ns.Do(func() error { out = nstest.IP(t, args...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVeth: a veth with a bridge and one without; host side named,
// addressed (06: MAC), aliased, UP, attached; all gone after Teardown.
func TestVeth(t *testing.T) {
	nstest.RequireRoot(t)
	// A bridge with an address of its own: one without takes its ports'
	// and ends up 00:00:00:00:00:00 when the last port goes, whoever adds it.
	nstest.IP(t, "link", "add", "br0", "address", "02:00:00:00:00:b0", "type", "bridge")
	defer nstest.IP(t, "link", "del", "br0")
	warmDir(t)
	before := nstest.Snapshot(t)
	def := testDef("vv",
		config.Interface{Num: 0, Type: config.TypeVeth, Host: "vv-h0", Bridge: "br0", MTU: 1450,
			MAC: mustMAC(t, "02:00:00:00:07:00"), HostMAC: mustMAC(t, "06:00:00:00:07:00"), Addrs: prefixes(t, "10.2.0.2/24")},
		config.Interface{Num: 1, Type: config.TypeVeth, MAC: mustMAC(t, "02:00:00:00:07:01")})
	setup(t, def)
	mustContain(t, "host side vv-h0", nstest.IP(t, "-d", "-o", "link", "show", "vv-h0"),
		"master br0", ",UP", "link/ether 06:00:00:00:07:00", "alias vserverx:vv:0", "mtu 1450", "veth")
	derived := def.VethHostName(&def.Interfaces[1])
	host1 := nstest.IP(t, "-d", "-o", "link", "show", derived)
	mustContain(t, "host side "+derived, host1, ",UP", "alias vserverx:vv:1")
	if strings.Contains(host1, "master") {
		t.Errorf("%s attached to a bridge: %s", derived, host1)
	}
	mustContain(t, "eth0 in vv", nstest.IP(t, "-n", "vv", "-d", "-o", "link", "show", "eth0"),
		"eth0@if", ",UP", "link/ether 02:00:00:00:07:00", "alias vserverx:vv:0", "veth")
	mustContain(t, "eth1 in vv", nstest.IP(t, "-n", "vv", "-d", "-o", "link", "show", "eth1"), "link/ether 02:00:00:00:07:01")
	if err := Teardown(dir, "vv"); err != nil {
		t.Fatal(err)
	}
	nstest.AssertSame(t, before)
}

// TestPhys: a host device moves in under its configured name (eth0, taken
// on the host), gets MAC, MTU, address; Teardown puts it back under its
// original name with its alias, MTU, MAC and UP state.
func TestPhys(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	nstest.HostNIC(t, "eth1")
	nstest.IP(t, "link", "set", "eth1", "alias", "uplink: rack 4")
	warmDir(t)
	before := nstest.Snapshot(t)
	def := testDef("ph", config.Interface{Num: 0, Type: config.TypePhys, Link: "eth1", MTU: 1400,
		MAC: mustMAC(t, "02:00:00:00:09:00"), Addrs: prefixes(t, "10.3.0.2/24"), Gateways: addrs("10.3.0.1")})
	ns := setup(t, def)
	inside := nstest.IP(t, "-n", "ph", "-d", "-o", "link", "show", "eth0")
	mustContain(t, "eth0 in ph", inside, "eth0@", ",UP", "mtu 1400", "link/ether 02:00:00:00:09:00", "alias vserverx:ph:0:orig=eth1:mtu=1500:up=1:mac=")
	if _, err := os.Stat("/sys/class/net/eth1"); err == nil {
		t.Error("eth1 still on the host")
	}
	if links, _ := Links(ns); !hasLink(links, "eth0", "phys") {
		t.Errorf("Links does not show eth0 as phys: %+v", links)
	}
	_, _, err := EnsureInterface(ns, def, &def.Interfaces[0])
	if err != nil {
		t.Fatalf("converging a moved phys device again: %v", err)
	}
	if err := Teardown(dir, "ph"); err != nil {
		t.Fatal(err)
	}
	nstest.AssertSame(t, before)
}

func hasLink(links []LinkStatus, name, typ string) bool {
	for _, l := range links {
		if l.Name == name && l.Type == typ {
			return true
		}
	}
	return false
}

// TestPhysRecoveredAfterCrash: a phys device left on the host under a
// temporary name by a crash (only its alias knows its story) is restored
// by Teardown, which keeps no state of its own.
func TestPhysRecoveredAfterCrash(t *testing.T) {
	nstest.HostNIC(t, "eth1")
	nstest.IP(t, "link", "set", "eth1", "mtu", "1500")
	freshDir(t)
	before := nstest.Snapshot(t)
	rec := formatAlias("cr", 0, &physRecord{OrigName: "eth1", MTU: 1500, Up: true})
	nstest.IP(t, "link", "set", "eth1", "down")
	nstest.IP(t, "link", "set", "eth1", "name", "vsxtcrash", "mtu", "1300", "alias", rec)
	if err := Teardown(dir, "cr"); err != nil {
		t.Fatal(err)
	}
	nstest.AssertSame(t, before)
}

// TestTwoGroupsBothEth0: two namespaces both want eth0 inside; temporary
// host names keep them apart.
func TestTwoGroupsBothEth0(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	a, b := macvlanDef(t, "ga"), macvlanDef(t, "gb")
	b.Interfaces[0].MAC = mustMAC(t, "02:00:00:00:2b:00")
	setup(t, a)
	setup(t, b)
	mustContain(t, "ga", nstest.IP(t, "-n", "ga", "link", "show", "eth0"), "02:00:00:00:2a:00")
	mustContain(t, "gb", nstest.IP(t, "-n", "gb", "link", "show", "eth0"), "02:00:00:00:2b:00")
}

// TestRollbackMidway: a failure half-way (second interface's parent
// missing, a host name taken, an unknown sysctl) names the namespace, the
// device and the file, and the undo of Ensure leaves the host exactly as
// before, phys device included.
func TestRollbackMidway(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	nstest.HostNIC(t, "eth1")
	freshDir(t)
	good := []config.Interface{
		{Num: 0, Type: config.TypePhys, Link: "eth1", MTU: 1400, Addrs: prefixes(t, "10.4.0.2/24")},
		{Num: 1, Type: config.TypeMacvlan, Link: "eth0", Addrs: prefixes(t, "10.5.0.2/24")},
		{Num: 2, Type: config.TypeVeth, Host: "rb-h2"},
	}
	okSysctl := config.Sysctl{Key: "net.ipv4.ip_forward", Value: "1", File: "/x/sysctl/net.ipv4.ip_forward"}
	for _, c := range []struct {
		name    string
		bad     config.Interface
		sysctl  *config.Sysctl
		wantErr []string
	}{
		{"missing parent", config.Interface{Num: 3, Type: config.TypeVLAN, Link: "nosuch", VLAN: 2},
			nil, []string{"rb", "eth3", "nosuch", "/interfaces/3/link", "does not exist"}},
		{"host name taken", config.Interface{Num: 3, Type: config.TypeVeth, Host: "eth0p"},
			nil, []string{"rb", "eth3", "eth0p", "/interfaces/3/host", "already taken"}},
		{"missing bridge", config.Interface{Num: 3, Type: config.TypeVeth, Host: "rb-h3", Bridge: "nobr"},
			nil, []string{"rb", "eth3", "bridge nobr", "/interfaces/3/bridge", "does not exist on the host"}},
		{"bridge not a bridge", config.Interface{Num: 3, Type: config.TypeVeth, Host: "rb-h3", Bridge: "eth0"},
			nil, []string{"rb", "eth3", "eth0", "/interfaces/3/bridge", "is a veth device, not a bridge"}},
		{"unknown sysctl", config.Interface{Num: 3, Type: config.TypeMacvlan, Link: "eth0"},
			&config.Sysctl{Key: "net.ipv4.nosuch", Value: "1", File: "/x/sysctl/net.ipv4.nosuch"}, []string{"rb", "net.ipv4.nosuch", "/x/sysctl/net.ipv4.nosuch", "unknown key"}},
		{"host-wide sysctl", config.Interface{Num: 3, Type: config.TypeMacvlan, Link: "eth0"},
			&config.Sysctl{Key: "kernel.hostname", Value: "x", File: "/x/sysctl/kernel.hostname"}, []string{"rb", "kernel.hostname", "only net.*"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := nstest.Snapshot(t)
			def := testDef("rb", append(append([]config.Interface{}, good...), c.bad)...)
			def.Sysctls = []config.Sysctl{okSysctl}
			if c.sysctl != nil {
				def.Sysctls = append(def.Sysctls, *c.sysctl)
			}
			ns, created, undo, err := Ensure(dir, "rb")
			if err != nil || !created {
				t.Fatalf("Ensure: %v %v", created, err)
			}
			_, err = Converge(ns, def)
			ns.Close()
			mustContain(t, "error", errString(err), c.wantErr...)
			if err := undo(); err != nil {
				t.Fatal(err)
			}
			nstest.AssertSame(t, before)
		})
	}
}

// TestSysctls: applied inside only, undo restores, errors name the file.
func TestSysctls(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	ns := mustCreate(t, "sy")
	read := func() string {
		var v []byte
		ns.Do(func() (err error) { v, err = os.ReadFile("/proc/sys/net/ipv4/ip_forward"); return })
		return strings.TrimSpace(string(v))
	}
	hostWas, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	undo, err := ApplySysctls(ns, []config.Sysctl{{Key: "net.ipv4.ip_forward", Value: "1\n", File: "f"}})
	if err != nil || read() != "1" {
		t.Fatalf("ApplySysctls: %v, value inside %q", err, read())
	}
	if now, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); string(now) != string(hostWas) {
		t.Errorf("host value changed to %q", now)
	}
	if err := undo(); err != nil || read() != "0" {
		t.Errorf("undo: %v, value inside %q", err, read())
	}
	_, err = ApplySysctls(ns, []config.Sysctl{{Key: "net.ipv4.ip_forward", Value: "abc", File: "/c/sysctl/net.ipv4.ip_forward"}})
	mustContain(t, "bad value error", errString(err), "sy", "net.ipv4.ip_forward", "/c/sysctl/net.ipv4.ip_forward")
}

// TestCreateUndo: the undo of a created macvlan and veth deletes them in
// the namespace, the veth's host side with them, while the namespace
// itself stays (its own undo is Ensure's).
func TestCreateUndo(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	ns := mustCreate(t, "cu")
	before := nstest.Snapshot(t)
	def := testDef("cu",
		config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Addrs: prefixes(t, "10.6.0.2/24")},
		config.Interface{Num: 1, Type: config.TypeVeth, Host: "cu-h1"})
	var undos []Undo
	for i := range def.Interfaces {
		change, u, err := EnsureInterface(ns, def, &def.Interfaces[i])
		if err != nil || change != Created {
			t.Fatalf("EnsureInterface %d: %v %v, want created", i, change, err)
		}
		undos = append(undos, u)
	}
	mustContain(t, "links in cu", nstest.IP(t, "-n", "cu", "-o", "link"), "eth0@", "eth1@")
	mustContain(t, "host side", nstest.IP(t, "-o", "link", "show", "cu-h1"), "alias vserverx:cu:1")
	for i := len(undos) - 1; i >= 0; i-- {
		if err := undos[i](); err != nil {
			t.Fatalf("undo %d: %v", i, err)
		}
	}
	if out := nstest.IP(t, "-n", "cu", "-o", "link"); strings.Count(out, "\n") != 1 {
		t.Errorf("links left in cu after the undo:\n%s", out)
	}
	nstest.AssertSame(t, before)
}
