// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"github.com/vserverx/vserverx/config/configtest"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// classicGuest makes CONFDIR/g from files (relative to CONFDIR) and loads it.
func classicGuest(t *testing.T, files map[string]string) *Guest {
	t.Helper()
	conf := configtest.Confdir(t, files)
	if err := os.MkdirAll(filepath.Join(conf, "g"), 0o755); err != nil {
		t.Fatal(err)
	}
	g, _ := loadGuest(filepath.Join(conf, "g"), "g")
	return g
}

// classicView is what the table test compares of one entry.
type classicView struct {
	Addr                           string
	Dev, Name, Scope, Bcast, Peer  string
	NoDev, Down, VlanDev, Indirect bool
	Disabled                       bool
	VlanFrom                       string // file that switched vlandev on, relative to CONFDIR
}

func viewOf(conf string, c ClassicInterface) classicView {
	v := classicView{Dev: c.Dev, Name: c.Name, Scope: c.Scope, Bcast: c.Bcast, Peer: c.Peer,
		NoDev: c.NoDev, Down: c.Down, VlanDev: c.VlanDev, Indirect: c.Indirect, Disabled: c.Disabled}
	if c.IP.IsValid() {
		v.Addr = c.Addr().String()
	}
	if f, ok := c.From["vlandev"]; ok {
		v.VlanFrom, _ = filepath.Rel(conf, f)
	}
	return v
}

func TestClassicInheritance(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  classicView
	}{
		{"own files", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/0/prefix": "24\n"},
			classicView{Addr: "10.0.0.1/24", Dev: "eth0"}},
		{"dev, prefix, bcast, scope from interfaces/", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n",
			"g/interfaces/dev": "eth1\n", "g/interfaces/prefix": "16\n", "g/interfaces/bcast": "10.0.255.255\n", "g/interfaces/scope": "global\n"},
			classicView{Addr: "10.0.0.1/16", Dev: "eth1", Bcast: "10.0.255.255", Scope: "global"}},
		{"N/ wins over interfaces/", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n",
			"g/interfaces/dev": "eth1\n", "g/interfaces/0/prefix": "8\n", "g/interfaces/prefix": "16\n"},
			classicView{Addr: "10.0.0.1/8", Dev: "eth0"}},
		{"name and peer are not inherited", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n",
			"g/interfaces/name": "x\n", "g/interfaces/peer": "10.0.0.2\n"},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0"}},
		{"mask converted to prefix", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/0/mask": "255.255.255.0\n"},
			classicView{Addr: "10.0.0.1/24", Dev: "eth0"}},
		{"inherited prefix beats own mask", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n",
			"g/interfaces/0/mask": "255.255.0.0\n", "g/interfaces/prefix": "24\n"},
			classicView{Addr: "10.0.0.1/24", Dev: "eth0"}},
		{"no prefix, no mask: host prefix", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n"},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0"}},
		{"ip with its own length", map[string]string{"g/interfaces/0/ip": "2001:db8::1/64\n", "g/interfaces/0/dev": "eth0\n"},
			classicView{Addr: "2001:db8::1/64", Dev: "eth0"}},
		{"own value without newline loses to interfaces/", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n",
			"g/interfaces/0/dev": "eth0", "g/interfaces/dev": "eth1\n"},
			classicView{Addr: "10.0.0.1/32", Dev: "eth1"}},
		{"own value without newline and nothing to inherit", map[string]string{"g/interfaces/0/ip": "10.0.0.1", "g/interfaces/0/dev": "eth0"},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0"}},
		{"disabled: nothing read", map[string]string{"g/interfaces/0/ip": "bogus\n", "g/interfaces/0/disabled": ""},
			classicView{Disabled: true}},
		{"nodev needs no dev", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/nodev": ""},
			classicView{Addr: "10.0.0.1/32", NoDev: true}},
		{"only_ip is nodev", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/only_ip": "", "g/interfaces/0/dev": "eth0\n"},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0", NoDev: true}},
		{"label, down, indirect", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n",
			"g/interfaces/0/name": "web\n", "g/interfaces/0/down": "", "g/interfaces/0/indirect": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0", Name: "web", Down: true, Indirect: true}},
		{"vlandev own", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0.2\n", "g/interfaces/0/vlandev": "",
			"g/interfaces/0/novlandev": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0.2", VlanDev: true, VlanFrom: "g/interfaces/0/vlandev"}},
		{"vlandev from interfaces/", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0.2\n", "g/interfaces/vlandev": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0.2", VlanDev: true, VlanFrom: "g/interfaces/vlandev"}},
		{"vlandev from interfaces/, own novlandev", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0.2\n",
			"g/interfaces/vlandev": "", "g/interfaces/0/novlandev": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0.2"}},
		{"vlandev from .defaults", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0.2\n",
			".defaults/interfaces/vlandev": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0.2", VlanDev: true, VlanFrom: ".defaults/interfaces/vlandev"}},
		{".defaults vlandev, guest novlandev", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0.2\n",
			".defaults/interfaces/vlandev": "", "g/interfaces/novlandev": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0.2"}},
		{".defaults vlandev, own novlandev", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0.2\n",
			".defaults/interfaces/vlandev": "", "g/interfaces/0/novlandev": ""},
			classicView{Addr: "10.0.0.1/32", Dev: "eth0.2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := classicGuest(t, tc.files)
			if len(g.classicProbs) != 0 {
				t.Fatalf("problems: %v", g.classicProbs)
			}
			if len(g.Classic) != 1 {
				t.Fatalf("want 1 entry, got %+v", g.Classic)
			}
			if got := viewOf(filepath.Dir(g.Dir), g.Classic[0]); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestClassicEntriesOrderAndNames(t *testing.T) {
	g := classicGuest(t, map[string]string{
		"g/interfaces/b/ip": "10.0.0.2\n", "g/interfaces/00/ip": "10.0.0.1\n", "g/interfaces/web/ip": "10.0.0.3\n",
		"g/interfaces/.hidden/ip": "10.0.0.9\n", "g/interfaces/dev": "eth0\n", "g/ncontext": "42\n",
	})
	var dirs []string
	for _, c := range g.Classic {
		dirs = append(dirs, filepath.Base(c.Dir))
	}
	if want := []string{"00", "b", "web"}; !reflect.DeepEqual(dirs, want) {
		t.Errorf("entries %q, want %q (any name, glob order, no dot entries, files skipped)", dirs, want)
	}
	if !g.HasNContext || g.NContext != 42 {
		t.Errorf("ncontext: %d %v", g.NContext, g.HasNContext)
	}
	addrs := g.ClassicAddrs()
	if len(addrs) != 3 || addrs[0].Prefix != netip.MustParsePrefix("10.0.0.1/32") || addrs[0].Dev != "eth0" ||
		addrs[0].File != filepath.Join(g.Dir, "interfaces/00/ip") {
		t.Errorf("ClassicAddrs = %+v", addrs)
	}
}

func TestClassicAddrsSkipsDisabledAndNodev(t *testing.T) {
	g := classicGuest(t, map[string]string{
		"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/disabled": "",
		"g/interfaces/1/ip": "10.0.0.2\n", "g/interfaces/1/nodev": "",
		"g/interfaces/2/ip": "10.0.0.3\n", "g/interfaces/2/dev": "eth0\n", "g/interfaces/2/prefix": "24\n",
	})
	want := []ClassicAddr{{Prefix: netip.MustParsePrefix("10.0.0.3/24"), Dev: "eth0", File: filepath.Join(g.Dir, "interfaces/2/ip")}}
	if got := g.ClassicAddrs(); !reflect.DeepEqual(got, want) {
		t.Errorf("ClassicAddrs = %+v, want %+v", got, want)
	}
}

// TestClassicReadProblems: each broken file is a problem naming it and
// saying what is allowed.
func TestClassicReadProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		file  string // relative to CONFDIR
		want  string
	}{
		{"no ip", map[string]string{"g/interfaces/0/dev": "eth0\n"}, "g/interfaces/0/ip", `"Can not read ip for '`},
		{"no dev", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n"}, "g/interfaces/0/dev", `"No device specified for '`},
		{"bad ip", map[string]string{"g/interfaces/0/ip": "10.0.0.300\n", "g/interfaces/0/dev": "eth0\n"}, "g/interfaces/0/ip", "is not a unicast address; allowed:"},
		{"ip length and prefix", map[string]string{"g/interfaces/0/ip": "10.0.0.1/24\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/prefix": "16\n"},
			"g/interfaces/0/ip", "has a prefix length and prefix or mask gives another"},
		{"bad prefix", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/prefix": "33\n"},
			"g/interfaces/prefix", `"33" is not a valid prefix length; allowed: decimal 0–32`},
		{"bad mask", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/0/mask": "255.0.255.0\n"},
			"g/interfaces/0/mask", "allowed: a contiguous IPv4 netmask"},
		{"bad bcast", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/0/bcast": "x\n"},
			"g/interfaces/0/bcast", "is not a broadcast address; allowed:"},
		{"bad gw", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "eth0\n", "g/interfaces/0/gw": "x\n"},
			"g/interfaces/0/gw", "is not a gateway address"},
		{"interfaces is a file", map[string]string{"g/interfaces": "x\n"}, "g/interfaces", "is not a directory"},
		{"dev is a directory", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/dev/x": ""}, "g/interfaces/dev", "is a directory"},
		{"bad ncontext", map[string]string{"g/ncontext": "x\n"}, "g/ncontext", "not a valid network context id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := classicGuest(t, tc.files)
			ps := CheckClassic(g, &Namespace{Name: "g"}, nil)
			want := filepath.Join(filepath.Dir(g.Dir), tc.file)
			for _, p := range ps {
				if p.File == want && strings.Contains(p.Msg, tc.want) && p.Severity == SeverityError {
					return
				}
			}
			t.Errorf("no error at %s containing %q; got:\n%v", want, tc.want, ps)
		})
	}
}

// fwNamespace is the definition of namespace fw with one vlan interface
// fw-vlan2 holding 10.0.0.1/24.
func fwNamespace(conf string) *Namespace {
	dir := filepath.Join(conf, NetnsDirName, "fw")
	return &Namespace{Name: "fw", Dir: dir, Defined: true, Interfaces: []Interface{{
		Num: 0, Dir: filepath.Join(dir, "interfaces", "0"), Type: TypeVLAN, Name: "fw-vlan2",
		Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24")},
	}}}
}

// classicMembers loads guests from one confdir (files relative to CONFDIR;
// each guest named in names gets a directory).
func classicMembers(t *testing.T, files map[string]string, names ...string) (string, []*Guest) {
	t.Helper()
	conf := configtest.Confdir(t, files)
	var gs []*Guest
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(conf, n), 0o755); err != nil {
			t.Fatal(err)
		}
		g, _ := loadGuest(filepath.Join(conf, n), n)
		gs = append(gs, g)
	}
	return conf, gs
}

func TestCheckClassicMessages(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string]string
		file     string // relative to CONFDIR; "" = no problem expected
		severity Severity
		want     []string
	}{
		{"dev on X", map[string]string{"g/interfaces/0/ip": "10.0.0.7\n", "g/interfaces/0/dev": "fw-vlan2\n"}, "", 0, nil},
		{"dev lo", map[string]string{"g/interfaces/0/ip": "127.0.0.7\n", "g/interfaces/0/dev": "lo\n"}, "", 0, nil},
		{"dev missing", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/dev": "eth9\n", "g/interfaces/0/prefix": "24\n"},
			"g/interfaces/0/dev", SeverityError, []string{`device "eth9" will not exist in namespace fw (its interfaces: fw-vlan2)`,
				`util-vserver would fail with "Cannot find device" and start the guest without 10.0.0.9/24`}},
		{"inherited dev missing", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/dev": "eth9\n"},
			"g/interfaces/dev", SeverityError, []string{`device "eth9" will not exist`}},
		{"nodev and disabled are not checked", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/nodev": "",
			"g/interfaces/1/ip": "10.0.0.8\n", "g/interfaces/1/dev": "eth9\n", "g/interfaces/1/disabled": ""}, "", 0, nil},
		{"tun is created by util-vserver", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/dev": "tun0\n", "g/interfaces/0/tun": ""}, "", 0, nil},
		{"vlandev on a parent X lacks", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/dev": "eth0.2\n", ".defaults/interfaces/vlandev": ""},
			".defaults/interfaces/vlandev", SeverityError, []string{`create the VLAN device "eth0.2" on "eth0" inside namespace fw`,
				"ip link add link eth0 name eth0.2 type vlan id 2", "vlan 2", "interfaces/0/novlandev"}},
		{"vlandev on a parent in X", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/dev": "fw-vlan2.5\n", "g/interfaces/0/vlandev": ""}, "", 0, nil},
		{"vlandev switched off", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/dev": "fw-vlan2\n",
			".defaults/interfaces/vlandev": "", "g/interfaces/novlandev": ""}, "", 0, nil},
		{"indirect", map[string]string{"g/interfaces/0/ip": "10.0.0.9\n", "g/interfaces/0/dev": "fw-vlan2\n", "g/interfaces/0/indirect": ""},
			"g/interfaces/0/indirect", SeverityError, []string{"indirect path", "cannot work inside namespace fw", "(fw-vlan2)"}},
		{"also in the definition, same device and length", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "fw-vlan2\n", "g/interfaces/0/prefix": "24\n"},
			"g/interfaces/0/ip", SeverityWarning, []string{"10.0.0.1 is also configured by vserverx in", ".netns/fw/interfaces/0/ip", `"File exists"`}},
		{"also in the definition, other length", map[string]string{"g/interfaces/0/ip": "10.0.0.1\n", "g/interfaces/0/dev": "fw-vlan2\n"},
			"g/interfaces/0/ip", SeverityWarning, []string{"in the namespace twice (10.0.0.1/24 on fw-vlan2 and 10.0.0.1/32 on fw-vlan2)"}},
		{"twice in the guest", map[string]string{"g/interfaces/0/ip": "10.0.0.5\n", "g/interfaces/0/dev": "fw-vlan2\n",
			"g/interfaces/1/ip": "10.0.0.5\n", "g/interfaces/1/dev": "fw-vlan2\n"},
			"g/interfaces/1/ip", SeverityError, []string{"address 10.0.0.5 is also configured in", "g/interfaces/0/ip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf, gs := classicMembers(t, tc.files, "g")
			ps := CheckClassic(gs[0], fwNamespace(conf), gs)
			if tc.file == "" {
				if len(ps) != 0 {
					t.Fatalf("want no problem, got:\n%v", ps)
				}
				return
			}
			if len(ps) != 1 {
				t.Fatalf("want 1 problem, got %d:\n%v", len(ps), ps)
			}
			if want := filepath.Join(conf, tc.file); ps[0].File != want || ps[0].Severity != tc.severity {
				t.Errorf("problem at %s severity %d, want %s severity %d", ps[0].File, ps[0].Severity, want, tc.severity)
			}
			for _, w := range tc.want {
				if !strings.Contains(ps[0].Msg, w) {
					t.Errorf("%q\ndoes not contain %q", ps[0].Msg, w)
				}
			}
		})
	}
}

func TestCheckClassicGroupCollision(t *testing.T) {
	conf, gs := classicMembers(t, map[string]string{
		"a/interfaces/0/ip": "10.0.0.5\n", "a/interfaces/0/dev": "fw-vlan2\n",
		"b/interfaces/x/ip": "10.0.0.5\n", "b/interfaces/x/dev": "fw-vlan2\n", "b/interfaces/x/prefix": "24\n",
		"c/interfaces/0/ip": "10.0.0.6\n", "c/interfaces/0/dev": "fw-vlan2\n",
		"broken/interfaces/0/dev": "fw-vlan2\n", // no ip: broken's own problem only
	}, "a", "b", "c", "broken")
	def := fwNamespace(conf)
	a := CheckClassic(gs[0], def, gs)
	if len(a) != 1 || a[0].File != filepath.Join(conf, "a/interfaces/0/ip") ||
		!strings.Contains(a[0].Msg, "10.0.0.5 is also configured by guest b in "+filepath.Join(conf, "b/interfaces/x/ip")) {
		t.Errorf("a: %v", a)
	}
	b := CheckClassic(gs[1], def, gs)
	if len(b) != 1 || b[0].File != filepath.Join(conf, "b/interfaces/x/ip") || !strings.Contains(b[0].Msg, "by guest a in") {
		t.Errorf("b: %v", b)
	}
	if c := CheckClassic(gs[2], def, gs); len(c) != 0 {
		t.Errorf("c collides with nobody and a broken member must not make it fail: %v", c)
	}
	if br := CheckClassic(gs[3], def, gs); len(br) != 1 || br[0].File != filepath.Join(conf, "broken/interfaces/0/ip") {
		t.Errorf("broken: %v", br)
	}
}

func TestProblemsSeverity(t *testing.T) {
	w := Problem{File: "f", Msg: "m", Severity: SeverityWarning}
	e := Problem{File: "f", Msg: "m"}
	if got := w.Error(); got != "warning: f: m" {
		t.Errorf("warning prints %q", got)
	}
	if (Problems{w}).Err() != nil {
		t.Error("only warnings must not be an error")
	}
	ps := Problems{w, e}
	if ps.Err() == nil || len(ps.Errors()) != 1 || len(ps.Warnings()) != 1 || ps.Errors()[0] != e {
		t.Errorf("mixed: Err %v Errors %v Warnings %v", ps.Err(), ps.Errors(), ps.Warnings())
	}
}
