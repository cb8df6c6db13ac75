// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/netns"
)

// TestRTProtosNamesVserverxProtocol checks that the rt_protos.d file the
// package installs gives the protocol number vserverx puts on its routes
// the name vserverx uses for it, and nothing else.
func TestRTProtosNamesVserverxProtocol(t *testing.T) {
	data, err := os.ReadFile("vserverx.rt_protos")
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			entries = append(entries, strings.Join(f, " "))
		}
	}
	want := fmt.Sprintf("%d %s", netns.RouteProtocol, netns.RouteProtocolName)
	if len(entries) != 1 || entries[0] != want {
		t.Errorf("vserverx.rt_protos holds %q, want exactly %q", entries, want)
	}
}
