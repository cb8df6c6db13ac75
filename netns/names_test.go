// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

func TestTempNames(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := randomTempName()
		if len(n) > config.MaxIfNameLen || !strings.HasPrefix(n, tempPrefix) || seen[n] || config.ValidateIfName(n) != nil {
			t.Fatalf("temporary name %q: too long, invalid, wrong prefix or repeated", n)
		}
		seen[n] = true
	}
}
