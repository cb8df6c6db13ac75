// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestCreatedInsideNotMoved: a macvlan's and a veth's inside end are
// created directly in the namespace (no link with a temporary name
// appears on the host and moves in, which costs the kernel an RCU grace
// period, ~20 ms per link); the veth's host side is made on the host under
// a temporary name of its own and renamed there, keeping its index.
func TestCreatedInsideNotMoved(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	seen := watchHostLinks(t)
	def := testDef("inside",
		config.Interface{Num: 0, Name: "eth0", Type: config.TypeMacvlan, Link: "eth0", Mode: config.ModeBridge, MAC: mustMAC(t, "02:00:00:00:2b:00")},
		config.Interface{Num: 1, Name: "eth1", Type: config.TypeVeth, Host: "vx-inside-1", MAC: mustMAC(t, "02:00:00:00:2b:01"), HostMAC: mustMAC(t, "06:00:00:00:2b:01")})
	ns := setup(t, def)
	out := nstest.IP(t, "-n", ns.Name, "-o", "link", "show")
	mustContain(t, "links inside", out, "eth0@", "eth1@", "02:00:00:00:2b:00", "02:00:00:00:2b:01")
	seenLinks := seen()
	hostSide := map[int]bool{} // indexes the veth's host side had
	var names []string
	for _, l := range seenLinks {
		names = append(names, l.Name)
		if l.Name == "vx-inside-1" {
			hostSide[l.Index] = true
		}
	}
	reported := map[string]bool{}
	for _, l := range seenLinks {
		if strings.HasPrefix(l.Name, tempPrefix) && !hostSide[l.Index] && !reported[l.Name] {
			reported[l.Name] = true
			t.Errorf("link %s appeared on the host: it was made there and moved in (host saw %v)", l.Name, names)
		}
	}
	if !contains(names, "vx-inside-1") {
		t.Errorf("the veth's host side vx-inside-1 was not made on the host (host saw %v)", names)
	}
}

// seenLink is a link a host notification named.
type seenLink struct {
	Name  string
	Index int
}

// watchHostLinks subscribes to the host's link notifications and returns a
// function that stops and returns the links they named.
func watchHostLinks(t *testing.T) func() []seenLink {
	t.Helper()
	ch, done := make(chan netlink.LinkUpdate, 256), make(chan struct{})
	if err := netlink.LinkSubscribe(ch, done); err != nil {
		t.Fatal(err)
	}
	return func() []seenLink {
		time.Sleep(100 * time.Millisecond) // let the last notifications arrive
		close(done)
		var names []seenLink
		for {
			select {
			case u, ok := <-ch:
				if !ok {
					return names
				}
				if u.Link != nil {
					names = append(names, seenLink{u.Attrs().Name, u.Attrs().Index})
				}
			default:
				return names
			}
		}
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
