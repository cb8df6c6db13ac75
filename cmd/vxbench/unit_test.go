package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
)

func TestCheckFreshSandbox(t *testing.T) {
	if err := checkFreshSandbox(1, "1", []string{"lo"}); err != nil {
		t.Fatalf("fresh sandbox refused: %v", err)
	}
	for _, c := range []struct {
		name  string
		pid   int
		env   string
		links []string
		want  string
	}{
		{"no marker", 1, "", []string{"lo"}, "VXBENCH_SANDBOX=1 is not set"},
		{"not pid 1", 4242, "1", []string{"lo"}, "the runner is pid 4242"},
		{"host links", 1, "1", []string{"lo", "eth0"}, "has links lo, eth0"},
	} {
		err := checkFreshSandbox(c.pid, c.env, c.links)
		if !errors.Is(err, errNoSandbox) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "make bench") {
			t.Errorf("%s: want a refusal saying %q and how to run it, got %v", c.name, c.want, err)
		}
	}
}

func TestCheckChildSandboxRefuses(t *testing.T) {
	t.Setenv(sandboxEnv, "")
	if err := checkChildSandbox(); !errors.Is(err, errNoSandbox) || !strings.Contains(err.Error(), "VXBENCH_SANDBOX=1 is not set") {
		t.Fatalf("without the variable: got %v", err)
	}
	if _, err := os.Stat(markerPath); err == nil {
		t.Skipf("%s exists: running inside a benchmark sandbox", markerPath)
	}
	t.Setenv(sandboxEnv, "1")
	if err := checkChildSandbox(); !errors.Is(err, errNoSandbox) || !strings.Contains(err.Error(), markerPath) {
		t.Fatalf("without the marker file: got %v", err)
	}
}

func TestNormalize(t *testing.T) {
	a := "7: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\\    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff link-netnsid 3 promiscuity 0 \\    alias vserverx:ns0:0 tso_max_size 524280 tso_max_segs 65535"
	b := "4: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\\    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0 promiscuity 0"
	if normalize(a) != normalize(b) {
		t.Fatalf("index, peer index, netnsid, alias and TSO limits not masked:\n%s\n%s", normalize(a), normalize(b))
	}
	c := strings.Replace(b, "02:00:00:00:01:01", "02:00:00:00:01:02", 1)
	if normalize(c) == normalize(b) {
		t.Fatal("a different MAC was masked")
	}
	addr := "4: eth0    inet6 fe80::ff:fe00:101/64 scope link tentative \\       valid_lft forever preferred_lft forever"
	if got, want := normalize(addr), "eth0 inet6 fe80::ff:fe00:101/64 scope link"; got != want {
		t.Fatalf("address line: got %q, want %q", got, want)
	}
}

func TestCompareStates(t *testing.T) {
	a := endState{"host: lo", "ns0: eth0 state UP", "ns0: lo"}
	if err := compareStates("a", a, "b", append(endState{}, a...)); err != nil {
		t.Fatalf("equal states: %v", err)
	}
	b := endState{"host: lo", "ns0: eth0 state DOWN", "ns0: lo", "ns0: lo"}
	err := compareStates("a", a, "b", b)
	if err == nil {
		t.Fatal("different states compared equal")
	}
	for _, want := range []string{"only after a:\n    ns0: eth0 state UP", "only after b:\n    ns0: eth0 state DOWN\n    ns0: lo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestStateLines(t *testing.T) {
	got := stateLines("ns1", "1: lo: <LOOPBACK,UP>\n\n2: eth0: <UP>\n")
	if strings.Join(got, "|") != "ns1: lo: <LOOPBACK,UP>|ns1: eth0: <UP>" {
		t.Fatalf("got %q", got)
	}
}

func TestRotationAndMedian(t *testing.T) {
	cs := []string{"a", "b", "c", "d"}
	if got := strings.Join(rotation(cs, 0), ""); got != "abcd" {
		t.Errorf("rep 0: %s", got)
	}
	if got := strings.Join(rotation(cs, 5), ""); got != "bcda" {
		t.Errorf("rep 5: %s", got)
	}
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	if m := median(ms(9, 1, 5)); m != 5*time.Millisecond {
		t.Errorf("median of 9 1 5: %v", m)
	}
	if m := median(ms(4, 1, 3, 100)); m != 3500*time.Microsecond {
		t.Errorf("median of 4 1 3 100: %v", m)
	}
	if m := median(nil); m != 0 {
		t.Errorf("median of nothing: %v", m)
	}
	up, down, total := medians([]timing{{1, 10}, {3, 30}, {2, 50}})
	if up != 2 || down != 30 || total != 33 {
		t.Errorf("medians: %v %v %v, want 2 30 33", up, down, total)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-n", "1,5", "-variants", "4veth,2macvlan", "-j", "1,8"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ns) != 2 || o.ns[1] != 5 || o.variants[0] != (variant{4, config.TypeVeth}) || o.variants[1] != (variant{2, config.TypeMacvlan}) || o.jobs[1] != 8 {
		t.Fatalf("parsed %+v", o)
	}
	for _, c := range []struct{ args, want string }{
		{"-n 1,x", `"x" is not a positive integer`},
		{"-n 0", `"0" is not a positive integer`},
		{"-variants 4vlan", "TYPE macvlan or veth"},
		{"-variants veth", "is not KTYPE"},
		{"-j 4,16", "the first value must be 1"},
		{"-reps 0", "want at least 1"},
		{"-guests 5 -groups 6", "groups <= guests"},
		{"extra", "unexpected arguments: extra"},
	} {
		_, err := parseFlags(strings.Fields(c.args), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error saying %q, got %v", c.args, c.want, err)
		}
	}
}

func TestParseProbe(t *testing.T) {
	r, err := parseProbe("up_ms 12.5\ndown_ms 30\nmaxrss_kb 15000\n")
	if err != nil || r.maxRSSKB != 15000 || r.up[0] != 12.5 || r.down[0] != 30 {
		t.Fatalf("got %+v, %v", r, err)
	}
	for _, out := range []string{"up_ms 1\n", "maxrss_kb x\n", "weird 1\n", "maxrss_kb 1 2\n"} {
		if _, err := parseProbe(out); err == nil || !strings.Contains(err.Error(), "engine probe") {
			t.Errorf("%q: want an error, got %v", out, err)
		}
	}
}

func TestParseBootOutput(t *testing.T) {
	out := "vs000 started 0.2s\nvs001 started 0.3s\nstarted 2 of 2 guests\n"
	sum, err := parseBootOutput(out, 2)
	if err != nil || sum != 500*time.Millisecond {
		t.Fatalf("got %v, %v", sum, err)
	}
	if _, err := parseBootOutput("vs000 started 0.2s\nvs001 FAILED 0.1s: boom\n", 2); err == nil || !strings.Contains(err.Error(), "1 of 2 guests") {
		t.Fatalf("a failed guest: got %v", err)
	}
}

// loadBench writes and loads a benchmark confdir.
func loadBench(t *testing.T, v variant, n int) *config.Tree {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "conf")
	if err := benchConfdir(dir, v, n); err != nil {
		t.Fatal(err)
	}
	tree, err := loadTree(config.Paths{ConfDir: dir, NetnsDir: "/run/netns", StateDir: "/run/vserverx"})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestBenchConfdirAndSpec(t *testing.T) {
	tree := loadBench(t, variant{2, config.TypeVeth}, 3)
	if len(tree.Guests()) != 3 || len(tree.Groups()) != 3 {
		t.Fatalf("want 3 guests in 3 groups, have %d, %d", len(tree.Guests()), len(tree.Groups()))
	}
	var b strings.Builder
	if err := writeSpec(&b, tree.Group("ns2").NS, 2); err != nil {
		t.Fatal(err)
	}
	want := "ns ns2\n" +
		"veth ns2 b2-0 eth0 02:00:00:00:66:00 vx-ns2-0 06:00:00:00:66:00\n" +
		"veth ns2 b2-1 eth1 02:00:00:00:66:01 vx-ns2-1 06:00:00:00:66:01\n"
	if b.String() != want {
		t.Fatalf("spec:\n%s\nwant:\n%s", b.String(), want)
	}
	tree = loadBench(t, variant{1, config.TypeMacvlan}, 1)
	s, err := newScriptlet("/repo", tree, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.spec != "ns ns0\nmacvlan ns0 b0-0 eth0 eth0 02:00:00:00:64:00\n" || s.script != "/repo/testdata/bench/ip-scriptlet.sh" {
		t.Fatalf("scriptlet %+v", s)
	}
	if _, err := newScriptlet("/repo", tree, 2); err == nil || !strings.Contains(err.Error(), "no managed namespace ns1") {
		t.Fatalf("more namespaces than the confdir has: got %v", err)
	}
}

func TestBenchConfdirErrors(t *testing.T) {
	if err := benchConfdir(t.TempDir(), variant{1, config.TypePhys}, 1); err == nil || !strings.Contains(err.Error(), "only macvlan and veth") {
		t.Fatalf("phys variant: got %v", err)
	}
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := benchConfdir(blocker, variant{1, config.TypeVeth}, 1); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Fatalf("confdir below a file: got %v", err)
	}
	def := &config.Namespace{Name: "x", Interfaces: []config.Interface{{Num: 0, Dir: "/c/.netns/x/interfaces/0", Type: config.TypeVLAN}}}
	var b strings.Builder
	if err := writeSpec(&b, def, 0); err == nil || !strings.Contains(err.Error(), "/c/.netns/x/interfaces/0/type: the scriptlet knows macvlan and veth, not vlan") {
		t.Fatalf("vlan interface: got %v", err)
	}
}

func TestBootConfdir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	names, err := bootConfdir(dir, 200, 20)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := loadTree(config.Paths{ConfDir: dir, NetnsDir: "/run/netns", StateDir: "/run/vserverx"})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 200 || len(tree.Guests()) != 200 || len(tree.Groups()) != 20 {
		t.Fatalf("want 200 guests in 20 groups, have %d (%d loaded), %d", len(names), len(tree.Guests()), len(tree.Groups()))
	}
	for _, g := range tree.Groups() {
		if len(g.Members) != 10 || len(g.NS.Interfaces) != 1 || g.NS.Interfaces[0].Type != config.TypeMacvlan {
			t.Fatalf("group %s: %d members, interfaces %+v", g.NS.Name, len(g.Members), g.NS.Interfaces)
		}
	}
	if g, _ := tree.Guest("vs021"); g.SharedNetns() != "grp01" {
		t.Fatalf("vs021 shares %q, want grp01", g.SharedNetns())
	}
}

func TestPrintRowAndGoals(t *testing.T) {
	ph := func(up, down int) phases {
		u, d := time.Duration(up)*time.Millisecond, time.Duration(down)*time.Millisecond
		return phases{u, d, u + d}
	}
	mk := func(n int, a phases) rowResult {
		return rowResult{v: variant{1, config.TypeMacvlan}, n: n, reps: 5, by: map[string]phases{
			"a": a, "b": ph(40*n, 40*n), "c-ip": ph(2*n, 2*n), "c-go": ph(n, n)}}
	}
	rows := []rowResult{mk(10, ph(60, 60)), mk(100, ph(1000, 1000))}
	var out strings.Builder
	printRow(&out, rows[0])
	if want := "K=1 macvlan    10    5 |     60.0     60.0 |    400.0    400.0 |    20.0    20.0 |    10.0    10.0 | 0.150   3.00   6.00 |   12.00   80.00    4.00\n"; out.String() != want {
		t.Fatalf("row:\n%q\nwant\n%q", out.String(), want)
	}
	out.Reset()
	printGoals(&out, rows)
	for _, want := range []string{
		"N=10   b/a =   6.7x faster than the scriptlet (goal >= 5x: ok); a/c-ip = 3.00 (goal <= 2: MISSED)",
		"12.00 ms at N=10, 20.00 ms at N=100: x1.67 (goal <= 1.2: MISSED)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("goals lack %q:\n%s", want, out.String())
		}
	}
}
