// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
	"github.com/vserverx/vserverx/vspace"
)

// prepare loads dir and prepares the adoption of guest g, with eth0 and
// eth1 as the host's devices.
func prepare(t *testing.T, dir, g, namespace string) (*Plan, error) {
	t.Helper()
	tree, err := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	if err != nil {
		t.Fatal(err)
	}
	return Prepare(Options{
		Tree: tree, Guest: g, Namespace: namespace,
		Setup:    testSetup(dir),
		HostLink: func(name string) bool { return name == "eth0" || name == "eth1" },
		Now:      time.Date(2026, 11, 28, 10, 15, 0, 0, time.UTC),
	})
}

func testSetup(dir string) vspace.Setup {
	return vspace.Setup{ConfDir: dir, NetnsDir: "/run/netns", Opt: vspace.ScriptletOptions{Vserverx: "/usr/sbin/vserverx"}}
}

// steps renders the steps of p relative to the confdir.
func steps(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, strings.ReplaceAll(s.String(p.ConfDir, p.Backup), p.ConfDir+"/", ""))
	}
	return out
}

func wantStep(t *testing.T, p *Plan, prefix string) {
	t.Helper()
	for _, s := range steps(p) {
		if strings.HasPrefix(s, prefix) {
			return
		}
	}
	t.Errorf("no step %q in:\n%s", prefix, strings.Join(steps(p), "\n"))
}

func TestClassicVLANMapping(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"g/context":               "7\n",
		"g/interfaces/0/ip":       "192.0.2.5\n",
		"g/interfaces/0/dev":      "eth0.0020\n",
		"g/interfaces/0/vlandev":  "",
		"g/interfaces/1/ip":       "192.0.2.6\n",
		"g/interfaces/1/dev":      "eth0.0020\n",
		"g/interfaces/1/vlandev":  "",
		"g/interfaces/2/ip":       "198.51.100.2\n",
		"g/interfaces/2/dev":      "eth1\n",
		"g/interfaces/3/ip":       "198.51.100.3\n",
		"g/interfaces/3/dev":      "eth1\n",
		"g/interfaces/4/ip":       "203.0.113.1\n",
		"g/interfaces/4/nodev":    "",
		"g/interfaces/5/ip":       "203.0.113.2\n",
		"g/interfaces/5/dev":      "eth0\n",
		"g/interfaces/5/disabled": "",
		".netns/":                 "",
	})
	p, err := prepare(t, dir, "g", "zone")
	if err != nil {
		t.Fatal(err)
	}
	if p.NS != "zone" {
		t.Errorf("namespace %q, want zone", p.NS)
	}
	for _, s := range []string{
		`move aside g/interfaces/0/vlandev -> g/.vserverx-adopt/20261128T101500Z/g/interfaces/0/vlandev`,
		`create g/interfaces/0/novlandev: (empty)`,
		`move aside g/interfaces/1/vlandev`,
		`create g/interfaces/1/novlandev: (empty)`,
		`create .netns/zone/id: "7"`,
		`create .netns/zone/interfaces/0/type: "vlan"`,
		`create .netns/zone/interfaces/0/vlan: "20"`,
		`create .netns/zone/interfaces/0/link: "eth0"`,
		`create .netns/zone/interfaces/0/name: "eth0.0020"`,
		`create .netns/zone/interfaces/1/type: "macvlan"`,
		`create .netns/zone/interfaces/1/link: "eth1"`,
		`create .netns/zone/interfaces/1/name: "eth1"`,
		`create g/spaces/net: "zone"`,
		`setup g/namespace-cleanup-skip: create it with /run/netns/zone`,
	} {
		wantStep(t, p, s)
	}
	for _, s := range steps(p) {
		if strings.Contains(s, "interfaces/2/") || strings.Contains(s, "/mode") {
			t.Errorf("unexpected step %s", s)
		}
	}

	if err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	tree, err := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := tree.Guest("g")
	if g.Classic[0].VlanDev || g.Classic[1].VlanDev {
		t.Error("util-vserver would still create the VLAN device")
	}
	grp := tree.GroupOf(g)
	if grp == nil || len(grp.NS.Interfaces) != 2 || grp.NS.Interfaces[0].VLAN != 20 || grp.NS.Interfaces[1].Mode != config.ModeBridge {
		t.Fatalf("group after adoption: %+v", grp)
	}
	if ps := config.CheckClassic(g, grp.NS, grp.Members).Errors(); len(ps) > 0 {
		t.Errorf("interfaces/ do not fit the namespace: %v", ps)
	}
}

func TestVLANOfDev(t *testing.T) {
	for dev, want := range map[string]int{"eth0.2": 2, "eth0.0100": 100, "bond0.4094": 4094,
		"eth0.0": 0, "eth0.4095": 0, "vlan0002": 0, "eth0": 0, ".2": 0, "eth0.x": 0, "eth0.+2": 0} {
		_, vid, ok := vlanOfDev(dev)
		if ok != (want != 0) || vid != want {
			t.Errorf("vlanOfDev(%q) = %d, %v; want %d", dev, vid, ok, want)
		}
	}
}

func TestNothingToAdopt(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"plain/context":            "1\n",
		"plain/interfaces/0/ip":    "192.0.2.1\n",
		"plain/interfaces/0/dev":   "dummy9\n", // not a host device
		"managed/spaces/net":       "managed\n",
		"managed/interfaces/0/ip":  "192.0.2.2\n",
		"managed/interfaces/0/dev": "eth0\n",
	})
	for _, g := range []string{"plain", "managed"} {
		p, err := prepare(t, dir, g, "")
		if err != nil || !p.Empty() {
			t.Errorf("%s: want nothing to adopt, got %v %v", g, steps(p), err)
		}
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		ns    string
		want  string
	}{
		{"two sources name two namespaces", map[string]string{
			"g/netns/name":              "a\n",
			"g/netns/interfaces/0/type": "macvlan\n",
			"g/scripts/pre-start":       "ip netns add b\nip link add link eth0 name v type vlan id 3\nip link set v netns b\n",
		}, "", `namespace "a"`},
		{"--namespace contradicts netns/name", map[string]string{
			"g/netns/name":              "a\n",
			"g/netns/interfaces/0/type": "macvlan\n",
		}, "other", "--namespace other, but"},
		{"existing definition disagrees", map[string]string{
			"g/interfaces/0/ip":          "192.0.2.5\n",
			"g/interfaces/0/dev":         "eth0\n",
			".netns/g/interfaces/0/type": "macvlan\n",
			".netns/g/interfaces/0/link": "eth1\n",
			".netns/g/interfaces/0/name": "eth0\n",
		}, "", `holds "eth1", but the old configuration needs "eth0"`},
		{"indirect entry", map[string]string{
			"g/interfaces/0/ip":       "192.0.2.5\n",
			"g/interfaces/0/dev":      "eth0\n",
			"g/interfaces/0/indirect": "",
		}, "", "cannot adopt: an indirect"},
		{"result fails its check: no context for the MAC", map[string]string{
			"g/interfaces/0/ip":  "192.0.2.5\n",
			"g/interfaces/0/dev": "eth0\n",
		}, "", "after the adoption it would have 1 problem(s)"},
		{"shared namespace nobody defines", map[string]string{
			"g/netns/name":   "zone\n",
			"g/netns/shared": "",
		}, "", "namespace zone would have no definition"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := configtest.Confdir(t, tc.files)
			before := listTree(t, dir)
			_, err := prepare(t, dir, "g", tc.ns)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "vserverx-adopt-") {
				t.Errorf("the error names the scratch copy: %v", err)
			}
			if after := listTree(t, dir); !slices.Equal(before, after) {
				t.Errorf("Prepare changed the confdir:\n%v\n%v", before, after)
			}
		})
	}
}

// listTree lists every path under dir.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		out = append(out, p)
		return err
	})
	return out
}

func TestRenumberKeepsExistingNumbers(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"a/context":                    "5\n",
		"a/spaces/net":                 "dmz\n",
		".netns/dmz/id":                "5\n",
		".netns/dmz/interfaces/3/type": "macvlan\n",
		".netns/dmz/interfaces/3/link": "eth0\n",
		".netns/dmz/interfaces/3/name": "eth0\n",
		".netns/dmz/interfaces/0/type": "macvlan\n",
		".netns/dmz/interfaces/0/link": "eth1\n",
		".netns/dmz/interfaces/0/name": "lan1\n",
		"b/context":                    "5\n",
		"b/interfaces/0/ip":            "192.0.2.9\n",
		"b/interfaces/0/dev":           "eth0\n",
		"b/interfaces/1/ip":            "198.51.100.9\n",
		"b/interfaces/1/dev":           "eth1\n",
	})
	p, err := prepare(t, dir, "b", "dmz")
	if err != nil {
		t.Fatal(err)
	}
	got := steps(p)
	for _, s := range got {
		if strings.Contains(s, "interfaces/3/") || strings.Contains(s, "interfaces/0/") {
			t.Errorf("eth0 is interface 3 already and 0 is taken: %s", s)
		}
	}
	wantStep(t, p, `create .netns/dmz/interfaces/1/name: "eth1"`)
}

// TestManifestAndBackup: the manifest lists every created path once,
// leaves before their directories; a rewritten file is backed up with its
// mode; the backup's directories have the modes of what they stand for.
func TestManifestAndBackup(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"g/context":          "9\n",
		"g/spaces/net":       "0\n",
		"g/interfaces/0/ip":  "192.0.2.5\n",
		"g/interfaces/0/dev": "eth0\n",
	})
	if err := os.Chmod(filepath.Join(dir, "g", "spaces"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "g", "spaces", "net"), 0o640); err != nil {
		t.Fatal(err)
	}
	p, err := prepare(t, dir, "g", "")
	if err != nil {
		t.Fatal(err)
	}
	wantStep(t, p, `rewrite g/spaces/net: "0" -> "g"`)
	if err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(p.Backup, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{"g/scripts/prepre-start.d/vserverx", "g/scripts/prepre-start.d", "g/scripts/postpost-stop.d/vserverx",
		"g/scripts/postpost-stop.d", "g/scripts", "g/namespace-cleanup-skip", ".netns/g/interfaces/0/type", ".netns/g/interfaces/0/name",
		".netns/g/interfaces/0/link", ".netns/g/interfaces/0", ".netns/g/interfaces", ".netns/g", ".netns",
		".defaults/scripts/initialize.d/vserverx-rslave", ".defaults/scripts/initialize.d", ".defaults/scripts", ".defaults", ""}, "\n")
	if string(manifest) != want {
		t.Errorf("manifest:\n%s\nwant:\n%s", manifest, want)
	}
	saved := filepath.Join(p.Backup, "g", "spaces", "net")
	if b, _ := os.ReadFile(saved); string(b) != "0\n" {
		t.Errorf("backup of spaces/net holds %q", b)
	}
	for path, mode := range map[string]os.FileMode{saved: 0o640, filepath.Dir(saved): 0o750, filepath.Join(dir, "g", "spaces", "net"): 0o640} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, mode)
		}
	}
}

// TestApplyFailureRestores: a step that fails half-way (the namespace
// definition cannot be written: .netns is a file by then) leaves the
// confdir as it was, without a backup directory.
func TestApplyFailureRestores(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"g/context":                 "9\n",
		"g/netns/interfaces/0/type": "macvlan\n",
		"g/netns/interfaces/0/host": "eth0\n",
	})
	p, err := prepare(t, dir, "g", "")
	if err != nil {
		t.Fatal(err)
	}
	before := listTree(t, dir)
	// After Prepare, something else puts a file where .netns must go.
	if err := os.WriteFile(filepath.Join(dir, ".netns"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	before = append(before, filepath.Join(dir, ".netns"))
	slices.Sort(before)
	var done []string
	err = p.Apply(func(s Step) { done = append(done, s.Rel) })
	if err == nil || !strings.Contains(err.Error(), ".netns") || !strings.Contains(err.Error(), "everything adopt had changed is restored") {
		t.Fatalf("error %v", err)
	}
	if !slices.Equal(done, []string{"g/netns"}) {
		t.Errorf("done before the failure: %v", done)
	}
	if after := listTree(t, dir); !slices.Equal(before, after) {
		t.Errorf("not restored:\nbefore %v\nafter  %v", before, after)
	}
}

func TestHint(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"old/interfaces/0/ip":   "192.0.2.5\n",
		"old/interfaces/0/dev":  "eth0\n",
		"none/context":          "1\n",
		"scr/scripts/pre-start": "ip netns add scr\n",
	})
	tree, err := config.Load(config.Paths{ConfDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	host := func(n string) bool { return n == "eth0" }
	if h := Hint(tree, "old", host); !strings.Contains(h, "classic interfaces/ on host devices") || !strings.Contains(h, "vserverx old adopt --dry-run") {
		t.Errorf("hint for old: %q", h)
	}
	if h := Hint(tree, "scr", host); !strings.Contains(h, "hand-written network scriptlets") {
		t.Errorf("hint for scr: %q", h)
	}
	if h := Hint(tree, "none", host); h != "" {
		t.Errorf("hint for none: %q", h)
	}
}
