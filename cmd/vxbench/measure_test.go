// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"
	"time"
)

func TestRotationAndMedian(t *testing.T) {
	cs := []string{"a", "b", "c", "d"}
	if got := strings.Join(rotation(cs, 0), ""); got != "abcd" {
		t.Errorf("rep 0: %s", got)
	}
	if got := strings.Join(rotation(cs, 5), ""); got != "bcda" {
		t.Errorf("rep 5: %s", got)
	}
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	if m := median(ms(9, 1, 5)); m != 5*time.Millisecond {
		t.Errorf("median of 9 1 5: %v", m)
	}
	if m := median(ms(4, 1, 3, 100)); m != 3500*time.Microsecond {
		t.Errorf("median of 4 1 3 100: %v", m)
	}
	if m := median(nil); m != 0 {
		t.Errorf("median of nothing: %v", m)
	}
	up, down, total := medians([]timing{{1, 10}, {3, 30}, {2, 50}})
	if up != 2 || down != 30 || total != 33 {
		t.Errorf("medians: %v %v %v, want 2 30 33", up, down, total)
	}
}
