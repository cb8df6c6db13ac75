// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// vethLeftoverDef is namespace "left" with one veth whose host side is
// vx-left-0.
func vethLeftoverDef(t *testing.T) *config.Namespace {
	return testDef("left", config.Interface{Num: 0, Type: config.TypeVeth, Host: "vx-left-0",
		MAC: mustMAC(t, "02:00:00:00:2d:00"), HostMAC: mustMAC(t, "06:00:00:00:2d:00")})
}

// TestVethHostLeftoverCleared: a veth pair a crash left entirely on the
// host (as an earlier vserverx, which created links on the host and then
// moved them in, could), marked with X's alias, is found by its host-side
// name and removed before the interface is created.
func TestVethHostLeftoverCleared(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	nstest.IP(t, "link", "add", "vsxtold", "type", "veth", "peer", "name", "vx-left-0")
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", "vsxtold").Run() })
	nstest.IP(t, "link", "set", "vsxtold", "alias", "vserverx:left:0")
	nstest.IP(t, "link", "set", "vx-left-0", "alias", "vserverx:left:0")
	setup(t, vethLeftoverDef(t))
	if out := nstest.IP(t, "-o", "link", "show"); strings.Contains(out, "vsxtold") {
		t.Errorf("the leftover pair is still on the host:\n%s", out)
	}
	mustContain(t, "new host side", nstest.IP(t, "-o", "link", "show", "vx-left-0"), "06:00:00:00:2d:00", "alias vserverx:left:0")
	mustContain(t, "eth0 in left", nstest.IP(t, "-n", "left", "-o", "link", "show", "eth0"), "02:00:00:00:2d:00")
}

// TestVethHostNameOfOtherNamespace: a host link with the veth's host-side
// name that carries another namespace's alias is not a leftover of this
// one: it is left alone and the interface is refused, naming the name.
func TestVethHostNameOfOtherNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	nstest.IP(t, "link", "add", "vsxtother", "type", "veth", "peer", "name", "vx-left-0")
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", "vsxtother").Run() })
	nstest.IP(t, "link", "set", "vx-left-0", "alias", "vserverx:other:0")
	ns, _, _, err := Ensure(dir, "left")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = Teardown(dir, "left") })
	def := vethLeftoverDef(t)
	_, _, err = EnsureInterface(ns, def, &def.Interfaces[0])
	if err == nil || !strings.Contains(err.Error(), "host-side name vx-left-0") {
		t.Fatalf("want an error naming the taken host-side name vx-left-0, got %v", err)
	}
	mustContain(t, "the other namespace's link", nstest.IP(t, "-o", "link", "show", "vx-left-0"), "alias vserverx:other:0")
	if out := nstest.IP(t, "-n", "left", "-o", "link", "show"); strings.Count(out, "\n") != 1 {
		t.Errorf("links left in namespace left after the refusal:\n%s", out)
	}
}
