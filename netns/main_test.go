// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"net"
	"strconv"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestMain runs the privileged tests of this package in nstest's sandbox.
func TestMain(m *testing.M) { nstest.Main(m) }

func mustMAC(t testing.TB, s string) net.HardwareAddr {
	t.Helper()
	m, err := net.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testDef is a definition with one interface of each given kind.
func testDef(name string, ifcs ...config.Interface) *config.Namespace {
	d := &config.Namespace{Name: name, Dir: "/etc/vservers/.netns/" + name, Defined: true, ID: 42, HasID: true, Interfaces: ifcs}
	for i := range d.Interfaces {
		ifc := &d.Interfaces[i]
		ifc.Dir = d.Dir + "/interfaces/" + itoa(ifc.Num)
		if ifc.Name == "" {
			ifc.Name = "eth" + itoa(ifc.Num)
		}
	}
	return d
}

func itoa(i int) string { return strconv.Itoa(i) }
