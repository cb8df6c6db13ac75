// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInvalidSpacesNetRefused: a guest whose spaces/net names no valid
// namespace is reported by check naming spaces/net, and start and stop
// refuse it with that message instead of passing it to util-vserver.
func TestInvalidSpacesNetRefused(t *testing.T) {
	for _, value := range []string{"../../tmp/evil\n", "a/b\n", "..\n", "\x01\xfe junk\n", strings.Repeat("n", 300) + "\n"} {
		t.Run("", func(t *testing.T) { checkSpacesNetRefused(t, value) })
	}
}

func checkSpacesNetRefused(t *testing.T, value string) {
	h := newHost(t, "classic-macvlan")
	h.write("odd/context", "77\n")
	h.write("odd/spaces/net", value)
	h.write("odd/vdir/.keep", "")
	file := filepath.Join(h.confdir, "odd", "spaces/net")
	if r := h.vx("odd", "check"); r.code != 1 || !strings.Contains(r.stdout+r.stderr, file) {
		t.Errorf("spaces/net %q: check must report %s:\n%s", value, file, r)
	}
	for _, cmd := range []string{"start", "stop"} {
		r := h.vx("odd", cmd)
		if r.code != 1 || !strings.Contains(r.stderr, file) || !strings.Contains(r.stderr, "namespace name") {
			t.Errorf("spaces/net %q: %s must be refused naming %s:\n%s", value, cmd, file, r)
		}
	}
	if _, err := os.Stat(filepath.Join(h.state, "run", "odd")); err == nil {
		t.Errorf("spaces/net %q: util-vserver ran for the guest", value)
	}
}
