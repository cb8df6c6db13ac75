package netns

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

func mustMAC(t testing.TB, s string) net.HardwareAddr {
	t.Helper()
	m, err := net.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAliasRoundTrip(t *testing.T) {
	for _, c := range []struct {
		ns   string
		num  int
		phys *physRecord
	}{
		{"fw", 0, nil},
		{"a:b:7", 255, nil},  // X may contain ':' and digits
		{"x:orig=y", 3, nil}, // and even something that looks like a key
		{"dmz", 2, &physRecord{OrigName: "eth1", MTU: 9000, Up: true}},
		{"dmz:1", 12, &physRecord{OrigName: "enp3s0", MTU: 1500, MAC: net.HardwareAddr{0, 1, 2, 3, 4, 5}, OrigAlias: "uplink: rack 4"}},
	} {
		alias := formatAlias(c.ns, c.num, c.phys)
		if c.phys == nil && alias != (&config.Namespace{Name: c.ns}).Alias(c.num) {
			t.Errorf("formatAlias(%q, %d) = %q, want config's alias", c.ns, c.num, alias)
		}
		tag, ok := parseAlias(alias)
		if !ok || tag.NS != c.ns || tag.Num != c.num {
			t.Errorf("parseAlias(%q) = %+v, %v; want ns %q num %d", alias, tag, ok, c.ns, c.num)
			continue
		}
		if (tag.Phys == nil) != (c.phys == nil) {
			t.Errorf("parseAlias(%q): phys %+v, want %+v", alias, tag.Phys, c.phys)
			continue
		}
		if p := tag.Phys; p != nil && (p.OrigName != c.phys.OrigName || p.MTU != c.phys.MTU || p.Up != c.phys.Up ||
			p.MAC.String() != c.phys.MAC.String() || p.OrigAlias != c.phys.OrigAlias) {
			t.Errorf("parseAlias(%q): phys %+v, want %+v", alias, *p, *c.phys)
		}
	}
}

func TestAliasRejectsForeign(t *testing.T) {
	for _, a := range []string{"", "uplink", "vserverx:", "vserverx:fw", "vserverx::0", "vserverx:fw:x",
		"vserverx:fw:256", "vserverx:fw:-1", "vserverx:fw:01", "Vserverx:fw:0", "vserverx:fw:0:orig=", "vserverx:fw:0:orig=e:mtu=x"} {
		if tag, ok := parseAlias(a); ok {
			t.Errorf("parseAlias(%q) = %+v, want not vserverx's", a, tag)
		}
	}
}

func TestTempNames(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := randomTempName()
		if len(n) > maxIfName || !strings.HasPrefix(n, tempPrefix) || seen[n] {
			t.Fatalf("temporary name %q: too long, wrong prefix or repeated", n)
		}
		seen[n] = true
	}
}

func TestVethHostName(t *testing.T) {
	def := &config.Namespace{Name: "a-very-long:name/x"}
	got := vethHostName(def, &config.Interface{Num: 255})
	if len(got) > maxIfName || strings.ContainsAny(got, ":/ ") || !strings.HasSuffix(got, "-255") {
		t.Errorf("derived host name %q: want ≤ 15 bytes, no ':' '/' ' ', ending -255", got)
	}
	if got := vethHostName(def, &config.Interface{Host: "fw-host"}); got != "fw-host" {
		t.Errorf("configured host name not used: %q", got)
	}
}

func TestParseMountinfo(t *testing.T) {
	text := "36 35 98:0 /mnt1 /run/net\\040ns rw,noatime master:1 shared:7 - ext3 /dev/root rw\n" +
		"37 35 0:4 net:[4026532] /run/netns/fw rw - nsfs nsfs rw\n"
	es, err := parseMountinfo(text)
	if err != nil || len(es) != 2 {
		t.Fatalf("parseMountinfo: %v %v", es, err)
	}
	if es[0].Point != "/run/net ns" || !es[0].Shared || !es[0].Slave || es[0].FSType != "ext3" {
		t.Errorf("first entry %+v", es[0])
	}
	if es[1].Point != "/run/netns/fw" || es[1].Shared || es[1].FSType != "nsfs" {
		t.Errorf("second entry %+v", es[1])
	}
	if _, err := parseMountinfo("1 2 3\n"); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("malformed line accepted: %v", err)
	}
}

func TestUndoStack(t *testing.T) {
	var order []int
	var s undoStack
	boom := errors.New("boom")
	s.push(func() error { order = append(order, 1); return nil })
	s.push(func() error { order = append(order, 2); return boom })
	s.push(func() error { order = append(order, 3); return nil })
	err := s.rollback(errors.New("cause"))
	if len(order) != 3 || order[0] != 3 || order[2] != 1 {
		t.Errorf("undo order %v, want 3 2 1", order)
	}
	if !strings.Contains(err.Error(), "cause") || !errors.Is(err, boom) || !strings.Contains(err.Error(), "rollback failed") {
		t.Errorf("rollback error %q should carry the cause and the failed undo", err)
	}
	var empty undoStack
	if u := empty.undo(); u() != nil {
		t.Error("empty undo failed")
	}
}

// testDef is a definition with one interface of each given kind.
func testDef(name string, ifcs ...config.Interface) *config.Namespace {
	d := &config.Namespace{Name: name, Dir: "/etc/vservers/.netns/" + name, Defined: true, ID: 42, HasID: true, Interfaces: ifcs}
	for i := range d.Interfaces {
		ifc := &d.Interfaces[i]
		ifc.Dir = d.Dir + "/interfaces/" + itoa(ifc.Num)
		if ifc.Name == "" {
			ifc.Name = "eth" + itoa(ifc.Num)
		}
	}
	return d
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestLinkRequestVLAN checks the netlink request of a VLAN: kind, parent
// index, VLAN id, MAC, alias, MTU, temporary name.
func TestLinkRequestVLAN(t *testing.T) {
	mac := mustMAC(t, "02:00:02:00:2a:00")
	def := testDef("fw", config.Interface{Num: 0, Type: config.TypeVLAN, Link: "eth0", VLAN: 2, MAC: mac, MTU: 1496})
	l, err := linkRequest(def, &def.Interfaces[0], "vsxt0123456789", 7)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := l.(*netlink.Vlan)
	if !ok || l.Type() != "vlan" {
		t.Fatalf("request is %T kind %q, want *netlink.Vlan kind vlan", l, l.Type())
	}
	a := v.Attrs()
	if a.ParentIndex != 7 || v.VlanId != 2 || v.VlanProtocol != netlink.VLAN_PROTOCOL_8021Q || a.HardwareAddr.String() != mac.String() ||
		a.Alias != "vserverx:fw:0" || a.MTU != 1496 || a.Name != "vsxt0123456789" || a.TxQLen != -1 {
		t.Errorf("vlan request %+v (id %d): want parent 7, id 2, 802.1Q, mac %s, alias vserverx:fw:0, mtu 1496, tmp name, txqlen unset", *a, v.VlanId, mac)
	}
}

// TestLinkRequestMacvlanModeExplicit: the mode is always set, bridge by
// default (the kernel's default would be vepa).
func TestLinkRequestMacvlanModeExplicit(t *testing.T) {
	for mode, want := range map[config.MacvlanMode]netlink.MacvlanMode{
		"": netlink.MACVLAN_MODE_BRIDGE, config.ModeBridge: netlink.MACVLAN_MODE_BRIDGE,
		config.ModePrivate: netlink.MACVLAN_MODE_PRIVATE, config.ModeVEPA: netlink.MACVLAN_MODE_VEPA,
		config.ModePassthru: netlink.MACVLAN_MODE_PASSTHRU,
	} {
		def := testDef("m", config.Interface{Num: 1, Type: config.TypeMacvlan, Link: "eth0", Mode: mode})
		l, err := linkRequest(def, &def.Interfaces[0], "t", 3)
		if err != nil {
			t.Fatal(err)
		}
		m := l.(*netlink.Macvlan)
		if m.Mode != want || m.Mode == netlink.MACVLAN_MODE_DEFAULT || m.ParentIndex != 3 || m.Alias != "vserverx:m:1" || m.HardwareAddr != nil {
			t.Errorf("mode %q: request mode %v parent %d alias %q mac %v", mode, m.Mode, m.ParentIndex, m.Alias, m.HardwareAddr)
		}
	}
	def := testDef("m", config.Interface{Num: 1, Type: config.TypeMacvlan, Link: "eth0", Mode: "source"})
	if _, err := linkRequest(def, &def.Interfaces[0], "t", 3); err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("unknown mode accepted: %v", err)
	}
}

func TestLinkRequestVeth(t *testing.T) {
	def := testDef("v", config.Interface{Num: 0, Type: config.TypeVeth, Host: "v-host",
		MAC: mustMAC(t, "02:00:00:00:01:00"), HostMAC: mustMAC(t, "06:00:00:00:01:00")})
	l, err := linkRequest(def, &def.Interfaces[0], "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	v := l.(*netlink.Veth)
	if v.PeerName != "v-host" || v.PeerHardwareAddr.String() != "06:00:00:00:01:00" || v.HardwareAddr.String() != "02:00:00:00:01:00" ||
		v.Alias != "vserverx:v:0" || v.PeerTxQLen != -1 || v.ParentIndex != 0 {
		t.Errorf("veth request %+v", v)
	}
	def.Interfaces[0].Type = config.TypePhys
	if _, err := linkRequest(def, &def.Interfaces[0], "t", 0); err == nil {
		t.Error("phys has no creation request, want an error")
	}
}
