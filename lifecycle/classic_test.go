// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"maps"
	"net/netip"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/netns"
)

// with returns files plus extra.
func with(files map[string]string, extra map[string]string) map[string]string {
	out := maps.Clone(files)
	maps.Copy(out, extra)
	return out
}

// TestGuestNetworkProblems: an implicit namespace has no interface but lo,
// so a dev naming any other device is an error, and so is a scriptlet
// line managing namespaces; a guest vserverx does not manage is not
// checked.
func TestGuestNetworkProblems(t *testing.T) {
	env, _ := sandboxEnv(t, with(soloGuest, map[string]string{
		"g/interfaces/0/ip": "192.0.2.5\n", "g/interfaces/0/dev": "eth0\n",
		"g/interfaces/1/ip": "127.0.0.2\n", "g/interfaces/1/dev": "lo\n",
		"g/scripts/post-stop": "ip netns del g\n",
		"u/vdir/":             "", "u/interfaces/0/dev": "eth9\n", "u/scripts/pre-start": "ip netns add u\n",
	}))
	g, _ := env.Tree.Guest("g")
	ps := env.GuestNetworkProblems(g)
	if len(ps) != 2 || len(ps.Errors()) != 2 {
		t.Fatalf("want 2 errors, got:\n%v", ps)
	}
	if !strings.Contains(ps[0].Error(), `g/interfaces/0/dev: device "eth0" will not exist in namespace g (its interfaces: none besides lo)`) {
		t.Errorf("first problem: %v", ps[0])
	}
	if !strings.Contains(ps[1].Error(), `g/scripts/post-stop: line 1: "ip netns del g"`) {
		t.Errorf("second problem: %v", ps[1])
	}
	u, _ := env.Tree.Guest("u")
	if ps := env.GuestNetworkProblems(u); ps != nil {
		t.Errorf("unmanaged guest u: %v", ps)
	}
}

// TestRefusalNamesNetworkProblems: Refusal, which start and plan use,
// carries the errors among the network problems, not the warnings.
func TestRefusalNamesNetworkProblems(t *testing.T) {
	env, _ := sandboxEnv(t, with(soloGuest, map[string]string{"g/scripts/pre-start.d/x": "VSPACE_SHARED_CMD=()\n"}))
	m, err := env.Resolve("g")
	if err != nil {
		t.Fatal(err)
	}
	err = env.Refusal(m)
	if err == nil || !strings.Contains(err.Error(), "guest g: util-vserver's network configuration does not fit namespace g:\n") ||
		!strings.Contains(err.Error(), `g/scripts/pre-start.d/x: line 1: "VSPACE_SHARED_CMD=()"`) {
		t.Errorf("Refusal: %v", err)
	}
}

// TestStartPlanNetworkLines: with a warning, the plan gets a check line,
// the warning and the addresses util-vserver will add; without
// interfaces/ it gets none of them.
func TestStartPlanNetworkLines(t *testing.T) {
	env, _ := sandboxEnv(t, with(soloGuest, map[string]string{
		".netns/g/interfaces/0/type": "veth\n", ".netns/g/interfaces/0/ip": "192.0.2.5/24\n",
		"g/interfaces/0/ip": "192.0.2.5\n", "g/interfaces/0/prefix": "24\n", "g/interfaces/0/dev": "eth0\n",
	}))
	m, err := env.Resolve("g")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	env.StartPlan(m, nil).Print(&b)
	for _, want := range []string{
		"  checked: util-vserver's interfaces/ and scriptlets of guest g: ok, 1 warning(s)\n  warning: ",
		"g/interfaces/0/ip: 192.0.2.5 is also configured by vserverx in ",
		"  util-vserver adds inside g when a guest starts (its interfaces/; ip addr add ADDRESS dev DEVICE):\n    guest g: 192.0.2.5/24 on eth0 (",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
	plain, _ := sandboxEnv(t, soloGuest)
	m, _ = plain.Resolve("g")
	b.Reset()
	plain.StartPlan(m, nil).Print(&b)
	if strings.Contains(b.String(), "util-vserver adds") || strings.Contains(b.String(), "interfaces/ and scriptlets") {
		t.Errorf("plan of a guest without interfaces/ has network lines:\n%s", b.String())
	}
}

// TestHasAddress: an address counts only on its device and with its
// prefix length.
func TestHasAddress(t *testing.T) {
	links := []netns.LinkStatus{
		{Name: "lo", Addrs: []string{"127.0.0.1/8"}},
		{Name: "eth0", Addrs: []string{"192.0.2.5/24", "2001:db8::5/64"}},
	}
	cases := []struct {
		dev, addr string
		want      bool
	}{
		{"eth0", "192.0.2.5/24", true},
		{"eth0", "2001:db8::5/64", true},
		{"eth0", "192.0.2.5/32", false},
		{"eth1", "192.0.2.5/24", false},
		{"lo", "192.0.2.5/24", false},
	}
	for _, c := range cases {
		if got := hasAddress(links, c.dev, netip.MustParsePrefix(c.addr)); got != c.want {
			t.Errorf("hasAddress(%s, %s) = %v, want %v", c.dev, c.addr, got, c.want)
		}
	}
}

// TestGuestAddressesInStatus: status lists every member's address with its
// state: present, missing while the member runs, absent while it is
// stopped.
func TestGuestAddressesInStatus(t *testing.T) {
	env, _ := sandboxEnv(t, map[string]string{
		".netns/x/interfaces/0/type": "veth\n",
		"a/spaces/net":               "x\n", "a/interfaces/0/ip": "192.0.2.5/24\n", "a/interfaces/0/dev": "eth0\n",
		"a/interfaces/1/ip": "192.0.2.6/24\n", "a/interfaces/1/dev": "eth0\n",
		"b/spaces/net": "x\n", "b/interfaces/0/ip": "192.0.2.7/24\n", "b/interfaces/0/dev": "eth0\n",
	})
	links := []netns.LinkStatus{{Name: "eth0", Addrs: []string{"192.0.2.5/24"}}}
	members := []MemberState{{Name: "a", Running: true, RunningKnown: true}, {Name: "b", RunningKnown: true}}
	st := &Status{Guest: "a", Managed: true, Namespace: "x", Exists: true, Members: members,
		GuestAddresses: guestAddresses(env.Tree.Group("x"), members, links)}
	var b bytes.Buffer
	st.Print(&b)
	for _, want := range []string{
		"  addresses from the guests' util-vserver interfaces/:\n",
		"    192.0.2.5/24 on eth0 (guest a, " + env.Paths.ConfDir + "/a/interfaces/0/ip): present\n",
		"    192.0.2.6/24 on eth0 (guest a, " + env.Paths.ConfDir + "/a/interfaces/1/ip): MISSING (util-vserver did not add it, or it was removed)\n",
		"    192.0.2.7/24 on eth0 (guest b, " + env.Paths.ConfDir + "/b/interfaces/0/ip): absent (guest b is stopped)\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
}
