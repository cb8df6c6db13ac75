// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// A guest's own util-vserver interfaces/ (testdata/confdirs/dmz: web adds
// 192.0.2.20/24 on eth0, the name of dmz's macvlan) and the scriptlets
// util-vserver runs for it are checked by check, plan and start.

// setUpDMZ copies the dmz example into a fresh confdir, runs setup for
// both members and returns the confdir.
func setUpDMZ(t *testing.T) string {
	t.Helper()
	hostEth0(t)
	confdir := t.TempDir()
	copyTree(t, repoPath("testdata/confdirs/dmz"), confdir)
	for _, g := range []string{"web", "mail"} {
		if r := vxIn(t, confdir, g, "setup"); r.code != 0 {
			t.Fatalf("%s setup: %s", g, r)
		}
	}
	return confdir
}

// vxIn runs vserverx in-process on confdir, with /bin/true standing in
// for util-vserver's command (check, plan and setup do not run it).
func vxIn(t *testing.T, confdir string, args ...string) result {
	t.Helper()
	return runCLI(t, append([]string{"--confdir", confdir, "--vserver", "/bin/true"}, args...)...)
}

// TestCheckGuestNetwork: every message about a guest's interfaces/ and
// about scriptlets managing its namespace comes out of `web check`, naming
// its file; errors exit 1 and make plan say that start refuses, warnings
// exit 0 and are shown by plan too.
func TestCheckGuestNetwork(t *testing.T) {
	const ifc = "web/interfaces/0/"
	cases := []struct {
		name    string
		files   map[string]string
		remove  []string
		file    string // named in the message, relative to the confdir
		want    string
		warning bool
	}{
		{name: "dev missing in X", files: map[string]string{ifc + "dev": "eth9\n"}, file: ifc + "dev",
			want: `device "eth9" will not exist in namespace dmz (its interfaces: eth0); util-vserver would fail with "Cannot find device" and start the guest without 192.0.2.20/24`},
		{name: "dev inherited from interfaces/", files: map[string]string{"web/interfaces/dev": "eth1\n"}, remove: []string{ifc + "dev"}, file: "web/interfaces/dev",
			want: `device "eth1" will not exist in namespace dmz`},
		{name: "vlandev parent missing", files: map[string]string{ifc + "dev": "eth1.5\n", ifc + "vlandev": ""}, file: ifc + "vlandev",
			want: `makes util-vserver create the VLAN device "eth1.5" on "eth1" inside namespace dmz`},
		{name: "vlandev from the host defaults", files: map[string]string{ifc + "dev": "eth1.5\n", ".defaults/interfaces/vlandev": ""}, file: ".defaults/interfaces/vlandev",
			want: `makes util-vserver create the VLAN device "eth1.5"`},
		{name: "indirect", files: map[string]string{ifc + "indirect": ""}, file: ifc + "indirect",
			want: "util-vserver's indirect path (a dummy device made with modprobe, nameif and iptables) cannot work inside namespace dmz"},
		{name: "dev missing", remove: []string{ifc + "dev"}, file: ifc + "dev",
			want: `missing (here and in ` + "CONFDIR/" + `web/interfaces/dev); util-vserver fails the start with "No device specified`},
		{name: "ip missing", remove: []string{ifc + "ip"}, file: ifc + "ip",
			want: `missing or empty; util-vserver fails the start with "Can not read ip for`},
		{name: "ip invalid", files: map[string]string{ifc + "ip": "192.0.2.300\n"}, file: ifc + "ip",
			want: `"192.0.2.300" is not a unicast address`},
		{name: "ip with length and prefix", files: map[string]string{ifc + "ip": "192.0.2.20/24\n"}, file: ifc + "ip",
			want: `"192.0.2.20/24" has a prefix length and prefix or mask gives another`},
		{name: "prefix out of range", files: map[string]string{ifc + "prefix": "33\n"}, file: ifc + "prefix",
			want: `"33" is not a valid prefix length; allowed: decimal 0–32 (for 192.0.2.20)`},
		{name: "mask not contiguous", files: map[string]string{ifc + "mask": "255.0.255.0\n"}, remove: []string{ifc + "prefix"}, file: ifc + "mask",
			want: `"255.0.255.0" is not a netmask for 192.0.2.20`},
		{name: "bcast invalid", files: map[string]string{ifc + "bcast": "everyone\n"}, file: ifc + "bcast",
			want: `"everyone" is not a broadcast address`},
		{name: "gw invalid", files: map[string]string{ifc + "gw": "224.0.0.1\n"}, file: ifc + "gw",
			want: "224.0.0.1 is not a unicast address"},
		{name: "interfaces not a directory", files: map[string]string{"web/interfaces": ""}, remove: []string{"web/interfaces"}, file: "web/interfaces",
			want: "is not a directory; util-vserver's interfaces/ is a directory of entries"},
		{name: "ncontext invalid", files: map[string]string{"web/ncontext": "abc\n"}, file: "web/ncontext",
			want: `"abc" is not a valid network context id; allowed: decimal 0–65535`},
		{name: "address twice in the guest", files: map[string]string{"web/interfaces/1/ip": "192.0.2.20\n", "web/interfaces/1/dev": "eth0\n"},
			file: "web/interfaces/1/ip", want: "address 192.0.2.20 is also configured in CONFDIR/web/interfaces/0/ip"},
		{name: "address of another member", files: map[string]string{"mail/interfaces/0/ip": "192.0.2.20\n", "mail/interfaces/0/dev": "eth0\n"},
			file: ifc + "ip", want: "address 192.0.2.20 is also configured by guest mail in CONFDIR/mail/interfaces/0/ip"},
		{name: "address also in the definition", files: map[string]string{ifc + "ip": "192.0.2.10\n"}, file: ifc + "ip", warning: true,
			want: `192.0.2.10 is also configured by vserverx in CONFDIR/.netns/dmz/interfaces/0/ip; util-vserver's ip addr add would fail with "File exists"`},
		{name: "own scriptlet adds the namespace", files: map[string]string{"web/scripts/pre-start.d/netns": "#!/bin/sh\n# made by hand\nip netns add dmz\n"},
			file: "web/scripts/pre-start.d/netns", want: `line 3: "ip netns add dmz" (ip netns add) manages namespace dmz twice`},
		{name: "host-wide scriptlet moves a link", files: map[string]string{".defaults/scripts/post-start": "ip link set eth1 \\\n  netns dmz\n"},
			file: ".defaults/scripts/post-start", want: `line 1: "ip link set eth1 netns dmz" (ip link ... netns: puts a link into a namespace) manages namespace dmz twice`},
		{name: "the wiki's scriptlet, linked from prepre-start.d", files: map[string]string{
			".scripts/netns":                   "case \"$1\" in\n  prepre-start)\n    $_HIP netns add ${2}\n    ;;\nesac\n",
			"web/scripts/prepre-start.d/netns": "->../../../.scripts/netns"},
			file: "web/scripts/prepre-start.d/netns", want: `line 3: "$_HIP netns add ${2}" (ip netns add) manages namespace dmz twice`},
		{name: "scriptlet rewrites VSPACE_SHARED_CMD", files: map[string]string{"web/scripts/prepre-start": "VSPACE_SHARED_CMD=()\n"},
			file: "web/scripts/prepre-start", want: `line 1: "VSPACE_SHARED_CMD=()" (rewrites VSPACE_SHARED_CMD) manages namespace dmz twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			confdir := setUpDMZ(t)
			for _, rel := range c.remove {
				if err := os.RemoveAll(filepath.Join(confdir, rel)); err != nil {
					t.Fatal(err)
				}
			}
			configtest.WriteFiles(t, confdir, c.files)
			want := filepath.Join(confdir, c.file) + ": " + strings.ReplaceAll(c.want, "CONFDIR/", confdir+"/")
			if c.warning {
				want = "warning: " + want
			}
			check := vxIn(t, confdir, "web", "check")
			plan := vxIn(t, confdir, "web", "plan")
			if !strings.Contains(check.stdout, want) {
				t.Errorf("check does not say\n%s\n%s", want, check)
			}
			if c.warning {
				if check.code != 0 || !strings.Contains(check.stdout, "guest web: OK") {
					t.Errorf("a warning alone must not fail check: %s", check)
				}
				if !strings.Contains(plan.stdout, "checked: util-vserver's interfaces/ and scriptlets of guest web: ok, 1 warning(s)\n  "+want) {
					t.Errorf("plan does not show the warning: %s", plan)
				}
				return
			}
			if check.code != 1 || !strings.Contains(check.stderr, "guest web: 1 problem(s) found") {
				t.Errorf("check: want exit 1 and one problem: %s", check)
			}
			if plan.code != 1 || !strings.Contains(plan.stderr, "start would refuse: guest web: util-vserver's network configuration does not fit namespace dmz:\n  "+want) ||
				!strings.Contains(plan.stdout, "util-vserver's interfaces/ and scriptlets of guest web: NOT OK, 1 problem(s): start refuses") {
				t.Errorf("plan does not say that start refuses because of it: %s", plan)
			}
		})
	}
}

// TestCheckGuestNetworkClean: the dmz example with web's interfaces/ is
// clean; entries util-vserver skips (disabled, nodev) and a guest
// vserverx does not manage are not checked.
func TestCheckGuestNetworkClean(t *testing.T) {
	confdir := setUpDMZ(t)
	configtest.WriteFiles(t, confdir, map[string]string{
		"web/interfaces/1/disabled": "", "web/interfaces/1/dev": "eth9\n",
		"web/interfaces/2/nodev": "", "web/interfaces/2/ip": "198.51.100.7\n",
		"plain/context": "300\n", "plain/interfaces/0/ip": "198.51.100.8\n", "plain/interfaces/0/dev": "eth9\n",
		"plain/scripts/pre-start": "ip netns add other\n",
	})
	for _, g := range []string{"web", "mail", "plain"} {
		if r := vxIn(t, confdir, g, "check"); r.code != 0 || strings.Contains(r.stdout, "warning") {
			t.Errorf("%s check: want exit 0 without warnings: %s", g, r)
		}
	}
}

// TestPlanListsGuestAddresses: plan shows, for every member of the group,
// the addresses util-vserver adds from its interfaces/; without any
// interfaces/ the plan is exactly the one before, less those lines.
func TestPlanListsGuestAddresses(t *testing.T) {
	confdir := setUpDMZ(t)
	// dad off: an IPv6 address of interfaces/ on a dad-wait interface
	// would add a warning that the plan without interfaces/ lacks.
	configtest.WriteFiles(t, confdir, map[string]string{"mail/interfaces/a/ip": "2001:db8::21\n", "mail/interfaces/a/dev": "eth0\n",
		".netns/dmz/interfaces/0/dad": "off\n"})
	block := "  util-vserver adds inside dmz when a guest starts (its interfaces/; ip addr add ADDRESS dev DEVICE):\n" +
		"    guest mail: 2001:db8::21/128 on eth0 (" + filepath.Join(confdir, "mail/interfaces/a/ip") + ")\n" +
		"    guest web: 192.0.2.20/24 on eth0 (" + filepath.Join(confdir, "web/interfaces/0/ip") + ")\n"
	with := vxIn(t, confdir, "mail", "plan")
	if with.code != 0 || !strings.Contains(with.stdout, block) {
		t.Fatalf("plan lacks\n%s%s", block, with)
	}
	for _, g := range []string{"web", "mail"} {
		os.RemoveAll(filepath.Join(confdir, g, "interfaces"))
	}
	without := vxIn(t, confdir, "mail", "plan")
	if got := strings.Replace(with.stdout, block, "", 1); without.code != 0 || without.stdout != got {
		t.Errorf("plan without interfaces/ differs by more than the addresses:\nwith them, less the block:\n%s\nwithout:\n%s", got, without.stdout)
	}
}

// TestGuestAddressOnNamespaceInterface: web's address from util-vserver's
// interfaces/ ends up on dmz's eth0, not on the host's; status (and
// --json) shows it present; stop removes it with the namespace.
func TestGuestAddressOnNamespaceInterface(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	h.mustVX("web", "setup")
	h.mustVX("mail", "setup")
	h.mustVX("web", "start")
	if out := nstest.IP(t, "-n", "dmz", "-o", "addr", "show", "dev", "eth0"); !strings.Contains(out, "inet 192.0.2.20/24") {
		t.Errorf("ip -n dmz addr show dev eth0 lacks 192.0.2.20/24:\n%s", out)
	}
	if out := nstest.IP(t, "-o", "addr"); strings.Contains(out, "192.0.2.20") {
		t.Errorf("the guest's address is on the host:\n%s", out)
	}
	ipFile := filepath.Join(h.confdir, "web/interfaces/0/ip")
	if r := h.mustVX("web", "status"); !strings.Contains(r.stdout, "192.0.2.20/24 on eth0 (guest web, "+ipFile+"): present") {
		t.Errorf("status does not show web's address present: %s", r)
	}
	r := h.mustVX("web", "status", "--json")
	var st struct {
		Addrs []struct {
			Guest, Address, Device, File string
			Present                      bool
			Running                      bool `json:"guest_running"`
		} `json:"guest_addresses"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if len(st.Addrs) != 1 || st.Addrs[0].Guest != "web" || st.Addrs[0].Address != "192.0.2.20/24" || st.Addrs[0].Device != "eth0" ||
		st.Addrs[0].File != ipFile || !st.Addrs[0].Present || !st.Addrs[0].Running {
		t.Errorf("status --json guest_addresses: %+v\n%s", st.Addrs, r.stdout)
	}
	nstest.IP(t, "-n", "dmz", "addr", "del", "192.0.2.20/24", "dev", "eth0")
	if r := h.mustVX("web", "status"); !strings.Contains(r.stdout, "192.0.2.20/24 on eth0 (guest web, "+ipFile+"): MISSING") {
		t.Errorf("status does not show web's removed address missing: %s", r)
	}
	h.mustVX("web", "stop")
	nstest.AssertSame(t, before)
}

// TestStartRefusesDevMissingInNamespace: a dev that will not exist in the
// namespace makes start refuse, naming the file, before anything changes.
func TestStartRefusesDevMissingInNamespace(t *testing.T) {
	h := newHost(t, "dmz")
	h.mustVX("web", "setup")
	h.write("web/interfaces/0/dev", "eth9\n")
	before := nstest.Snapshot(t)
	r := h.vx("web", "start")
	dev := filepath.Join(h.confdir, "web/interfaces/0/dev")
	if r.code != 1 || !strings.Contains(r.stderr, dev+`: device "eth9" will not exist in namespace dmz`) {
		t.Fatalf("start: want exit 1 naming %s: %s", dev, r)
	}
	nstest.AssertSame(t, before)
	if h.vserver("web", "running").code == 0 {
		t.Fatal("web runs despite the refusal")
	}
}

// TestStartWarnsAndGoesOn: an address both in the definition and in the
// guest's interfaces/ is a warning: start prints it and starts the guest.
func TestStartWarnsAndGoesOn(t *testing.T) {
	h := newHost(t, "dmz")
	before := nstest.Snapshot(t)
	h.mustVX("web", "setup")
	h.write("web/interfaces/0/ip", "192.0.2.10\n")
	r := h.mustVX("web", "start")
	if want := "vserverx: warning: " + filepath.Join(h.confdir, "web/interfaces/0/ip") + ": 192.0.2.10 is also configured by vserverx"; !strings.Contains(r.stderr, want) {
		t.Errorf("start does not warn %q: %s", want, r)
	}
	if h.vserver("web", "running").code != 0 {
		t.Fatal("web does not run despite only a warning")
	}
	h.mustVX("web", "stop")
	nstest.AssertSame(t, before)
}
