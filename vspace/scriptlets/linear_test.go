// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigScriptlet is n blocks of what scriptlets hold: comments, assignments,
// a long case on the phase with many labels and commands on one line,
// functions and calls, decided ifs.
func bigScriptlet(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "# block %d\nNS%d=fw\nf%d() { ip -n $NS%d link set dev lo up; }\n", i, i, i, i)
		fmt.Fprintf(&b, "case $1 in\n  pre-start) f%d ; ip -n fw addr add 10.%d.%d.1/32 dev lo ; : ; : ;;\n  post-stop|postpost-stop) ip netns del fw ;;\nesac\n", i, i/256%256, i%256)
		fmt.Fprintf(&b, "if [ \"$2\" = fw ]; then\n  ip -n fw route add 10.%d.0.0/16 dev lo\nfi\n", i%256)
	}
	return []byte(b.String())
}

// readTime is the shortest of a few Parse+Walk runs of src.
func readTime(t *testing.T, src []byte) time.Duration {
	best := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		s, err := Parse("s", src)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Walk("pre-start", "fw", func(*Command) error { return nil }); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// TestLinearTime: reading twice the lines takes about twice the time, not
// four times (time in one process, compared by ratio, never absolute).
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	n := 2000
	small, large := bigScriptlet(n), bigScriptlet(2*n)
	readTime(t, small) // warm up
	ts, tl := readTime(t, small), readTime(t, large)
	ratio := float64(tl) / float64(ts)
	t.Logf("%d bytes: %v, %d bytes: %v, ratio %.2f", len(small), ts, len(large), tl, ratio)
	if ratio > 3 {
		t.Errorf("reading %d bytes took %.2f times as long as %d bytes (%v vs %v); linear is about 2", len(large), ratio, len(small), tl, ts)
	}
}

func BenchmarkParseWalk(b *testing.B) {
	src := bigScriptlet(1000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		s, err := Parse("s", src)
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Walk("pre-start", "fw", func(*Command) error { return nil })
	}
}
