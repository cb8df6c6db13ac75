// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"errors"
	"github.com/vserverx/vserverx/config/configtest"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadTree(t *testing.T, root string) *Tree {
	t.Helper()
	p := DefaultPaths(nil)
	p.ConfDir = root
	tree, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestLoadMissingConfdir(t *testing.T) {
	p := DefaultPaths(nil)
	p.ConfDir = filepath.Join(t.TempDir(), "nope")
	tree, err := Load(p)
	if tree != nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), p.ConfDir) {
		t.Errorf("Load: %v, %v", tree, err)
	}
}

func TestGuestsListing(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{
		"b/context": "2\n", "a/": "", ".defaults/": "", ".hidden/context": "1",
		"plainfile": "x", "c/context": "3",
	})
	if err := os.Symlink("c", filepath.Join(root, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(root, "dangling")); err != nil {
		t.Fatal(err)
	}
	tree := loadTree(t, root)
	var names []string
	for _, g := range tree.Guests() {
		names = append(names, g.Name)
	}
	if want := []string{"a", "b", "c", "linked"}; !reflect.DeepEqual(names, want) {
		t.Errorf("guests %v, want %v", names, want)
	}
	_, err := tree.Guest("plainfile")
	if !errors.Is(err, ErrNoGuest) || !strings.Contains(err.Error(), root+"/plainfile") {
		t.Errorf("Guest(plainfile): %v", err)
	}
	ps := tree.Check("zz")
	if len(ps) != 1 || ps[0].File != root+"/zz" || !strings.Contains(ps[0].Msg, "no such guest") {
		t.Errorf("Check(zz): %v", ps)
	}
	if ps := tree.CheckAll(); ps.Err() != nil {
		t.Errorf("CheckAll: %v", ps)
	}
}

func TestManaged(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{
		"self/spaces/net":    "self\n",      // implicit namespace
		"member/spaces/net":  "shared\r\n",  // defined namespace, CRLF
		"other/spaces/net":   "elsewhere\n", // names something unmanaged
		"private/spaces/net": "\n",          // util-vserver's private space
		"none/spaces/net":    "0",
		"nonet/context":      "9",
		"follow/spaces/net":  "self", // shares self's namespace, which is not defined
		".netns/shared/id":   "3",
		".netns/empty/":      "",
	})
	tree := loadTree(t, root)
	want := map[string]string{"self": "self", "member": "shared"}
	for _, g := range tree.Guests() {
		x, managed := want[g.Name]
		if tree.Managed(g) != managed {
			t.Errorf("Managed(%s) = %v", g.Name, !managed)
		}
		grp := tree.GroupOf(g)
		if managed && (grp == nil || grp.NS.Name != x) || !managed && grp != nil {
			t.Errorf("GroupOf(%s) = %+v", g.Name, grp)
		}
	}
	var groups []string
	for _, grp := range tree.Groups() {
		groups = append(groups, grp.NS.Name+":"+strings.Join(grp.MemberNames(), ","))
	}
	if w := []string{"empty:", "self:self", "shared:member"}; !reflect.DeepEqual(groups, w) {
		t.Errorf("groups %v, want %v", groups, w)
	}
	if tree.Group("elsewhere") != nil || tree.Group("other") != nil {
		t.Error("unmanaged namespaces have groups")
	}
	self := tree.Group("self").NS
	if self.Defined || self.HasID || len(self.Interfaces) != 0 {
		t.Errorf("implicit namespace %+v", self)
	}
	ps := tree.CheckGroup("elsewhere")
	if len(ps) != 1 || ps[0].File != filepath.Join(root, ".netns", "elsewhere") || !strings.Contains(ps[0].Msg, "no managed namespace") {
		t.Errorf("CheckGroup(elsewhere): %v", ps)
	}
	if ps := tree.CheckAll(); len(ps) != 0 {
		t.Errorf("CheckAll: %v", ps)
	}
}

func TestNamespaceDefaults(t *testing.T) {
	ifs := ".netns/ns/interfaces/"
	root := configtest.Confdir(t, map[string]string{
		"ns/context":              "258\n", // guest ns supplies the id
		"ns/spaces/net":           "ns\n",
		"g/spaces/net":            "ns\n",
		".netns/ns/novprocunhide": "",
		".netns/ns/.keep":         "",
		".netns/ns/sysctl/net.ipv6.conf.all.forwarding": "1\n",
		".netns/ns/sysctl/net.ipv4.ip_forward":          "1\n",
		ifs + "10/type":                                 "veth",
		ifs + "2/type":                                  "macvlan\r\n",
		ifs + "2/link":                                  "eth0",
		ifs + "2/mode":                                  "private",
		ifs + "2/mtu":                                   "9000",
		ifs + "2/ip":                                    "# the LAN\n192.0.2.5/24\n\n2001:db8::5/64 \n",
		ifs + "2/gateway":                               "192.0.2.1\nfe80::1\n",
		ifs + "2/.keep":                                 "",
		ifs + "3/type":                                  "veth",
		ifs + "3/mac":                                   "52:54:00:12:34:56",
		ifs + "3/host":                                  "hostside",
		ifs + "3/bridge":                                "br0",
		ifs + "4/type":                                  "phys",
		ifs + "4/link":                                  "enp3s0",
		ifs + "5/type":                                  "phys",
		ifs + "5/link":                                  "enp4s0",
		ifs + "5/mac":                                   "02:11:22:33:44:55",
	})
	tree := loadTree(t, root)
	if ps := tree.CheckAll(); len(ps) != 0 {
		t.Fatalf("CheckAll: %v", ps)
	}
	grp := tree.Group("ns")
	ns := grp.NS
	if !reflect.DeepEqual(grp.MemberNames(), []string{"g", "ns"}) || ns.ID != 258 || ns.IDFrom != filepath.Join(root, "ns", "context") || !ns.NoVprocunhide {
		t.Errorf("namespace %+v members %v", ns, grp.MemberNames())
	}
	var nums []int
	for _, ifc := range ns.Interfaces {
		nums = append(nums, ifc.Num)
	}
	if !reflect.DeepEqual(nums, []int{2, 3, 4, 5, 10}) {
		t.Errorf("interface order %v", nums)
	}
	mv, veth, phys, phys2, veth10 := ns.Interfaces[0], ns.Interfaces[1], ns.Interfaces[2], ns.Interfaces[3], ns.Interfaces[4]
	wantAddrs := []netip.Prefix{netip.MustParsePrefix("192.0.2.5/24"), netip.MustParsePrefix("2001:db8::5/64")}
	if mv.Mode != ModePrivate || mv.MTU != 9000 || mv.Name != "eth2" || mv.MAC.String() != "02:00:00:01:02:02" ||
		!reflect.DeepEqual(mv.Addrs, wantAddrs) || len(mv.Gateways) != 2 || mv.HostMAC != nil {
		t.Errorf("macvlan %+v", mv)
	}
	if veth.MACAuto || veth.MAC.String() != "52:54:00:12:34:56" || veth.HostMAC.String() != "06:54:00:12:34:56" ||
		veth.Host != "hostside" || veth.Bridge != "br0" || veth.Mode != "" {
		t.Errorf("veth %+v", veth)
	}
	if phys.MAC != nil || phys.MACAuto || phys.Link != "enp3s0" || phys.Name != "eth4" {
		t.Errorf("phys %+v", phys)
	}
	if phys2.MAC.String() != "02:11:22:33:44:55" || phys2.MACAuto {
		t.Errorf("phys with mac %+v", phys2)
	}
	if veth10.Host != "vx-ns-10" || veth10.MAC.String() != "02:00:00:01:02:0a" || veth10.HostMAC.String() != "06:00:00:01:02:0a" {
		t.Errorf("veth 10 %+v", veth10)
	}
	if len(ns.Sysctls) != 2 || ns.Sysctls[0].Key != "net.ipv4.ip_forward" || ns.Sysctls[1].Value != "1" {
		t.Errorf("sysctls %+v", ns.Sysctls)
	}
}

func TestDefaultHostName(t *testing.T) {
	for _, tc := range []struct {
		x    string
		num  int
		want string
	}{
		{"app", 0, "vx-app-0"},
		{"abcdefghijkl", 0, "vx-abcdefghij-0"},
		{"abcdefghijkl", 255, "vx-abcdefgh-255"},
		{"aéééé", 0, "vx-aéééé-0"},        // X is 9 bytes, room is 15-3-2 = 10: kept whole
		{"aaaaaéé", 100, "vx-aaaaaé-100"}, // 8 bytes would cut é in half
	} {
		got := DefaultHostName(tc.x, tc.num)
		if got != tc.want || len(got) > MaxIfNameLen {
			t.Errorf("DefaultHostName(%q, %d) = %q, want %q", tc.x, tc.num, got, tc.want)
		}
	}
}

func TestCheckIncludesNamespaceAndGroup(t *testing.T) {
	ifc := ".netns/grp/interfaces/0/"
	root := configtest.Confdir(t, map[string]string{
		"a/spaces/net": "grp\n", "a/context": "x",
		"b/spaces/net": "grp\n", "b/context": "7",
		"c/context":     "y", // not managed
		".netns/grp/id": "1",
		ifc + "type":    "vlan", ifc + "link": "eth0", ifc + "vlan": "0",
	})
	tree := loadTree(t, root)
	files := func(ps Problems) []string {
		var out []string
		for _, p := range ps {
			out = append(out, strings.TrimPrefix(p.File, root+"/"))
		}
		return out
	}
	if got, want := files(tree.Check("b")), []string{ifc + "vlan"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Check(b) %v, want %v", got, want)
	}
	if got, want := files(tree.Check("a")), []string{"a/context", ifc + "vlan"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Check(a) %v, want %v", got, want)
	}
	if got, want := files(tree.CheckGroup("grp")), []string{ifc + "vlan", "a/context"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CheckGroup %v, want %v", got, want)
	}
	all := tree.CheckAll()
	if got, want := files(all), []string{"a/context", "c/context", ifc + "vlan"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CheckAll %v, want %v", got, want)
	}
	if err := all.Err(); err == nil || !strings.Contains(err.Error(), root+"/c/context: ") || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("Problems.Err: %v", err)
	}
}

func TestNetnsDirNotADirectory(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{"g/spaces/net": "g\n", ".netns": "oops"})
	tree := loadTree(t, root)
	ps := tree.Check("g")
	if len(ps) != 1 || ps[0].File != filepath.Join(root, ".netns") || !strings.Contains(ps[0].Msg, "is not a directory") {
		t.Errorf("Check(g): %v", ps)
	}
}

func TestValidateNamespaceName(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "a/b", "a\x00b", "a\nb", "a\tb", "\x01\xfe\xff", strings.Repeat("x", MaxNamespaceNameLen+1)} {
		if ValidateNamespaceName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"fw", "a b", ".x", strings.Repeat("x", MaxNamespaceNameLen)} {
		if err := ValidateNamespaceName(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	if MaxNamespaceNameLen != 242 {
		t.Errorf("MaxNamespaceNameLen = %d", MaxNamespaceNameLen)
	}
}

func TestMACVectors(t *testing.T) {
	for _, tc := range []struct {
		vlan, id, num int
		want, host    string
	}{
		{2, 42, 0, "02:00:02:00:2a:00", "06:00:02:00:2a:00"},
		{0, 7, 3, "02:00:00:00:07:03", "06:00:00:00:07:03"},
		{4094, 65535, 255, "02:0f:fe:ff:ff:ff", "06:0f:fe:ff:ff:ff"},
	} {
		mac := GenerateMAC(tc.vlan, tc.id, tc.num)
		if mac.String() != tc.want || HostSideMAC(mac).String() != tc.host {
			t.Errorf("GenerateMAC(%d,%d,%d) = %s / %s", tc.vlan, tc.id, tc.num, mac, HostSideMAC(mac))
		}
		if mac.String() != tc.want {
			t.Error("HostSideMAC changed its argument")
		}
	}
	if HostSideMAC(nil) != nil {
		t.Error("HostSideMAC(nil) is not nil")
	}
}

// TestDanglingKeyIsAbsent: a key file that is a dangling symlink is absent
// (as the package doc says), so its default applies: the derived veth host
// name, and the id from guest X's context.
func TestDanglingKeyIsAbsent(t *testing.T) {
	ifc := ".netns/n/interfaces/0/"
	root := configtest.Confdir(t, map[string]string{"n/spaces/net": "n\n", "n/context": "7\n", ifc + "type": "veth"})
	for _, rel := range []string{ifc + "host", ".netns/n/id"} {
		if err := os.Symlink("nowhere", filepath.Join(root, rel)); err != nil {
			t.Fatal(err)
		}
	}
	tree := loadTree(t, root)
	if ps := tree.CheckAll(); len(ps) != 0 {
		t.Fatalf("CheckAll: %v", ps)
	}
	ns := tree.Group("n").NS
	if got := ns.Interfaces[0].Host; got != "vx-n-0" {
		t.Errorf("host side %q, want the default vx-n-0", got)
	}
	if !ns.HasID || ns.ID != 7 || ns.IDFrom != filepath.Join(root, "n", "context") {
		t.Errorf("id %d (known %v) from %s, want 7 from n/context", ns.ID, ns.HasID, ns.IDFrom)
	}
}
