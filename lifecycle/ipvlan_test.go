// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// TestApplyIPVlanDiff: an ipvlan that matches needs nothing; a changed
// mode or flags recreates it, naming the file; its MAC (the parent's) is
// never a reason.
func TestApplyIPVlanDiff(t *testing.T) {
	def := diffDef()
	ifc := &def.Interfaces[0]
	ifc.Type, ifc.Mode, ifc.MAC, ifc.MACAuto = config.TypeIPVlan, "", nil, false
	ifc.IPVlanMode, ifc.IPVlanFlag = config.IPVlanL2, config.IPVlanBridge
	h := matching()
	o := &h.links[0]
	o.Type, o.Mode, o.IPVlanMode, o.IPVlanFlag = config.TypeIPVlan, "", config.IPVlanL2, config.IPVlanBridge
	if got := titles(def, nil, h); len(got) != 0 {
		t.Errorf("a matching ipvlan gives steps %q", got)
	}
	ifc.IPVlanMode, ifc.IPVlanFlag = config.IPVlanL3, config.IPVlanPrivate
	got := strings.Join(titles(def, nil, h), "\n")
	want := "RECREATE recreate interface 0 (/c/.netns/x/interfaces/0): ipvlan (mode l3, private) on eth0, named eth0 inside / " +
		"ipvlan mode is l2, defined l3 (/c/.netns/x/interfaces/0/mode); ipvlan flags is bridge, defined private (/c/.netns/x/interfaces/0/flags)"
	if got != want {
		t.Errorf("steps:\n%s\nwant:\n%s", got, want)
	}
}
