// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// TestScriptletRoutes: routes other than plain default routes become
// lines of the routes file, with the device's final name and an ip -6
// default as ::/0; a plain default route stays a gateway.
func TestScriptletRoutes(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{"g/context": "7\n", "g/scripts/pre-start": `
ip netns add g
ip link set eth3 netns g
ip -n g addr add 192.0.2.2/24 dev eth3
ip -n g route add 10.0.0.0/8 via 192.0.2.1 dev eth3 metric 5
ip -6 -n g route add blackhole default table 100
ip netns exec g ip route add 198.51.100.0/24 via 203.0.113.1 dev eth3 onlink
ip -n g route add default via 192.0.2.1
ip -n g link set eth3 name lan
`})
	p, err := ReadScriptlets(dir, "g")
	if err != nil {
		t.Fatal(err)
	}
	files := p.Render()
	want := "10.0.0.0/8 via 192.0.2.1 dev lan metric 5\nblackhole ::/0 table 100\n198.51.100.0/24 via 203.0.113.1 dev lan onlink\n"
	if files["routes"] != want {
		t.Errorf("routes file %q, want %q", files["routes"], want)
	}
	if files["interfaces/0/gateway"] != "192.0.2.1\n" || files["interfaces/0/name"] != "lan\n" {
		t.Errorf("interface files: %q", files)
	}
}
