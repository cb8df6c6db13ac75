// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package sandbox

import (
	"strings"
	"testing"
)

// TestDiffLines: lines are compared as multisets and returned sorted.
func TestDiffLines(t *testing.T) {
	gone, added := DiffLines([]string{"b", "a", "a", "c"}, []string{"a", "c", "d", "c"})
	if strings.Join(gone, ",") != "a,b" || strings.Join(added, ",") != "c,d" {
		t.Fatalf("DiffLines: gone %v added %v, want [a b] [c d]", gone, added)
	}
}
