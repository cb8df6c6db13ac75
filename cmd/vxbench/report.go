// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"time"
)

// phases are the medians of one contender in one row.
type phases struct{ up, down, total time.Duration }

// rowResult is one row of the table: one variant at one N.
type rowResult struct {
	v    variant
	n    int
	reps int
	by   map[string]phases // by contender name
}

// newRowResult takes the medians of a measurement.
func newRowResult(v variant, n, reps int, m *measurement) rowResult {
	r := rowResult{v: v, n: n, reps: reps, by: map[string]phases{}}
	for name, ts := range m.times {
		up, down, total := medians(ts)
		r.by[name] = phases{up, down, total}
	}
	return r
}

// ratio is the ratio of the total medians of contenders x and y.
func (r rowResult) ratio(x, y string) float64 {
	return float64(r.by[x].total) / float64(r.by[y].total)
}

// perNS is contender x's total median per namespace, in ms.
func (r rowResult) perNS(x string) float64 { return ms(r.by[x].total) / float64(r.n) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// printLines writes each line and a newline.
func printLines(w io.Writer, lines ...string) {
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// printHeader explains the columns of the table.
func printHeader(w io.Writer) {
	printLines(w,
		"Medians in ms over the repetitions; up = setup of all N namespaces, down = their teardown.",
		"  a     vserverx engine: lifecycle.Env.Up + Env.TeardownIfUnused per guest (start/stop without vserver)",
		"  b     testdata/bench/ip-scriptlet.sh (the ip commands administrators run today), one bash per phase",
		"  c-ip  floor of the scriptlet's own tool: ip netns add / ip netns del, N bare namespaces",
		"  c-go  in-process floor: netns.Create / netns.DeleteNamespace, N bare namespaces",
		"  ratios are of the totals (up+down); per-ns = total / N",
		"")
	fmt.Fprintf(w, "%-12s %4s %4s | %8s %8s | %8s %8s | %7s %7s | %7s %7s | %5s %6s %6s | %7s %7s %7s\n",
		"variant", "N", "reps", "a up", "a down", "b up", "b down", "c-ip up", "down", "c-go up", "down",
		"a/b", "a/c-ip", "a/c-go", "a/ns", "b/ns", "c-ip/ns")
}

// printRow writes one row of the table.
func printRow(w io.Writer, r rowResult) {
	a, b, ci, cg := r.by["a"], r.by["b"], r.by["c-ip"], r.by["c-go"]
	fmt.Fprintf(w, "%-12s %4d %4d | %8.1f %8.1f | %8.1f %8.1f | %7.1f %7.1f | %7.1f %7.1f | %5.3f %6.2f %6.2f | %7.2f %7.2f %7.2f\n",
		r.v, r.n, r.reps, ms(a.up), ms(a.down), ms(b.up), ms(b.down), ms(ci.up), ms(ci.down), ms(cg.up), ms(cg.down),
		r.ratio("a", "b"), r.ratio("a", "c-ip"), r.ratio("a", "c-go"), r.perNS("a"), r.perNS("b"), r.perNS("c-ip"))
}

// Goals of the engine table and of start-all.
const (
	goalSpeedup  = 5.0  // setup+teardown at least 5x faster than the scriptlet
	goalFloor    = 2.0  // within 2x of the floor (c-ip: ip netns add + ip netns del)
	goalFlat     = 1.2  // per-namespace cost at N=100 at most 20% above N=10
	goalRSSBytes = 30e6 // peak RSS under 30 MB
	goalIdeal    = 1.2  // start-all within 1.2x of ideal
)

// verdict is "ok" or "MISSED".
func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// printGoals writes the verdict on the table's goals, per variant.
func printGoals(w io.Writer, rows []rowResult) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Goals, judged on the totals:")
	for _, r := range rows {
		speedup := 1 / r.ratio("a", "b")
		fmt.Fprintf(w, "  %-12s N=%-3d  b/a = %5.1fx faster than the scriptlet (goal >= %.0fx: %s); a/c-ip = %.2f (goal <= %.0f: %s)\n",
			r.v, r.n, speedup, goalSpeedup, verdict(speedup >= goalSpeedup), r.ratio("a", "c-ip"), goalFloor, verdict(r.ratio("a", "c-ip") <= goalFloor))
	}
	for _, v := range variantsOf(rows) {
		r10, ok10 := findRow(rows, v, 10)
		r100, ok100 := findRow(rows, v, 100)
		if !ok10 || !ok100 {
			continue
		}
		f := r100.perNS("a") / r10.perNS("a")
		fmt.Fprintf(w, "  %-12s per-namespace cost of a: %.2f ms at N=10, %.2f ms at N=100: x%.2f (goal <= %.1f: %s)\n",
			v, r10.perNS("a"), r100.perNS("a"), f, goalFlat, verdict(f <= goalFlat))
	}
}

// variantsOf lists the variants of rows in their first order.
func variantsOf(rows []rowResult) []variant {
	var out []variant
	seen := map[variant]bool{}
	for _, r := range rows {
		if !seen[r.v] {
			seen[r.v] = true
			out = append(out, r.v)
		}
	}
	return out
}

// findRow returns the row of variant v at n.
func findRow(rows []rowResult, v variant, n int) (rowResult, bool) {
	for _, r := range rows {
		if r.v == v && r.n == n {
			return r, true
		}
	}
	return rowResult{}, false
}
