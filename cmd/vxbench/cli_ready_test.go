// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"path/filepath"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// TestReadyConfdirs: each guest of the ready table is valid and has the
// addresses and the dad and acd settings its row names, so that a row
// measures what it says.
func TestReadyConfdirs(t *testing.T) {
	want := []struct {
		addrs int
		dad   config.DADMode
		acd   bool
	}{{1, config.DADWait, false}, {2, config.DADWait, false}, {2, config.DADOptimistic, false}, {2, config.DADOff, false}, {1, config.DADWait, true}}
	if len(want) != len(readyCases) {
		t.Fatalf("%d ready cases, want %d", len(readyCases), len(want))
	}
	for i, c := range readyCases {
		dir := filepath.Join(t.TempDir(), "conf")
		if err := benchConfdir(dir, variant{1, config.TypeMacvlan}, 1); err != nil {
			t.Fatal(err)
		}
		if err := writeFiles(dir, c.confFiles()); err != nil {
			t.Fatal(err)
		}
		ifc := loadChecked(t, dir).Group(nsName(0)).NS.Interfaces[0]
		if len(ifc.Addrs) != want[i].addrs || ifc.DAD != want[i].dad || ifc.ACD != want[i].acd {
			t.Errorf("%s: addresses %v, dad %s, acd %v; want %d addresses, dad %s, acd %v",
				c.name, ifc.Addrs, ifc.DAD, ifc.ACD, want[i].addrs, want[i].dad, want[i].acd)
		}
	}
}
