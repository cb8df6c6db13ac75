// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"
)

func TestParseProbe(t *testing.T) {
	r, err := parseProbe("up_ms 12.5\ndown_ms 30\nmaxrss_kb 15000\n")
	if err != nil || r.maxRSSKB != 15000 || r.up[0] != 12.5 || r.down[0] != 30 {
		t.Fatalf("got %+v, %v", r, err)
	}
	for _, out := range []string{"up_ms 1\n", "maxrss_kb x\n", "weird 1\n", "maxrss_kb 1 2\n"} {
		if _, err := parseProbe(out); err == nil || !strings.Contains(err.Error(), "engine probe") {
			t.Errorf("%q: want an error, got %v", out, err)
		}
	}
}
