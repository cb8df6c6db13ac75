// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestPhysRefused: a device with host addresses, one that another
// namespace already holds, one whose alias leaves no room for vserverx's
// record, or a missing one is refused by name and nothing changes.
func TestPhysRefused(t *testing.T) {
	nstest.HostNIC(t, "eth1")
	nstest.HostNIC(t, "eth2")
	nstest.IP(t, "addr", "add", "10.7.0.1/24", "dev", "eth1")
	nstest.IP(t, "link", "set", "eth2", "alias", "vserverx:other:3")
	nstest.HostNIC(t, "eth3") // its alias, hex-encoded, does not fit into the record
	nstest.IP(t, "link", "set", "eth3", "alias", strings.Repeat("a", 120))
	freshDir(t)
	before := nstest.Snapshot(t)
	for _, c := range []struct {
		dev  string
		want []string
	}{
		{"eth1", []string{"pr", "eth1", "10.7.0.1/24", "/interfaces/0/link", "remove the host's addresses"}},
		{"eth2", []string{"pr", "eth2", "/interfaces/0/link", "already vserverx's link 3 of namespace other"}},
		{"eth3", []string{"pr", "eth3", "/interfaces/0/link", "remove its alias"}},
		{"nosuch", []string{"pr", "nosuch", "/interfaces/0/link", "does not exist on the host"}},
	} {
		def := testDef("pr", config.Interface{Num: 0, Type: config.TypePhys, Link: c.dev})
		ns, _, undo, err := Ensure(dir, "pr")
		if err != nil {
			t.Fatal(err)
		}
		_, err = Converge(ns, def)
		ns.Close()
		mustContain(t, c.dev+" error", errString(err), c.want...)
		if err := undo(); err != nil {
			t.Fatal(err)
		}
		nstest.AssertSame(t, before)
	}
}
