// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
)

func TestPrintRowAndGoals(t *testing.T) {
	ph := func(up, down int) phases {
		u, d := time.Duration(up)*time.Millisecond, time.Duration(down)*time.Millisecond
		return phases{u, d, u + d}
	}
	mk := func(n int, a phases) rowResult {
		return rowResult{v: variant{1, config.TypeMacvlan}, n: n, reps: 5, by: map[string]phases{
			"a": a, "b": ph(40*n, 40*n), "c-ip": ph(2*n, 2*n), "c-go": ph(n, n)}}
	}
	rows := []rowResult{mk(10, ph(60, 60)), mk(100, ph(1000, 1000))}
	var out strings.Builder
	printRow(&out, rows[0])
	if want := "K=1 macvlan    10    5 |     60.0     60.0 |    400.0    400.0 |    20.0    20.0 |    10.0    10.0 | 0.150   3.00   6.00 |   12.00   80.00    4.00\n"; out.String() != want {
		t.Fatalf("row:\n%q\nwant\n%q", out.String(), want)
	}
	out.Reset()
	printGoals(&out, rows)
	for _, want := range []string{
		"N=10   b/a =   6.7x faster than the scriptlet (goal >= 5x: ok); a/c-ip = 3.00 (goal <= 2: MISSED)",
		"12.00 ms at N=10, 20.00 ms at N=100: x1.67 (goal <= 1.2: MISSED)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("goals lack %q:\n%s", want, out.String())
		}
	}
}
