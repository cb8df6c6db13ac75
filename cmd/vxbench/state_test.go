// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"
)

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
