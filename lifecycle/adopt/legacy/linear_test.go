// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config/configtest"
)

// bigNetScriptlet is one VLAN moved into g and n blocks of addresses,
// comments and case branches for the phases.
func bigNetScriptlet(n int) string {
	var b strings.Builder
	b.WriteString("ip link add link eth0 name v2 type vlan id 2\nip link set v2 netns g\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "# address %d\ncase $1 in\n  pre-start) ip -n g addr add 10.%d.%d.%d/32 dev v2 ;;\n  post-stop) ip -n g link del v2 ;;\nesac\n",
			i, i/65536%256, i/256%256, i%256)
	}
	return b.String()
}

// TestReadScriptletsLinear: adopt reads twice the scriptlet in about twice
// the time (compared by ratio in one process, never absolute).
func TestReadScriptletsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	read := func(n int) time.Duration {
		dir := configtest.Confdir(t, map[string]string{"g/context": "7\n", "g/scripts/pre-start": bigNetScriptlet(n)})
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			p, err := ReadScriptlets(dir, "g")
			if err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
			if len(p.Interfaces) != 1 || len(p.Interfaces[0].IPs) != n {
				t.Fatalf("interfaces %+v", p.Interfaces)
			}
		}
		return best
	}
	n := 3000
	read(n)
	ts, tl := read(n), read(2*n)
	t.Logf("%d blocks: %v, %d blocks: %v, ratio %.2f", n, ts, 2*n, tl, float64(tl)/float64(ts))
	if ratio := float64(tl) / float64(ts); ratio > 3 {
		t.Errorf("reading %d blocks took %.2f times as long as %d (%v vs %v); linear is about 2", 2*n, ratio, n, tl, ts)
	}
}
