// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestStatusListsUndefinedAddress: an address someone added in X on a link
// the definition does not have is "not defined" in status, status --json
// and check's warning; the kernel's own addresses on lo are not.
func TestStatusListsUndefinedAddress(t *testing.T) {
	h := runningGroup(t)
	h.startGroup()
	const item = "address 198.51.100.7/32 on lo"
	if r := h.mustVX("web", "status"); strings.Contains(r.stdout, "not defined: address") {
		t.Fatalf("status lists an address before anyone added one: %s", r)
	}
	nstest.IP(t, "-n", "dmz", "addr", "add", "198.51.100.7/32", "dev", "lo")
	r := h.vx("web", "status")
	if !strings.Contains(r.stdout, "not defined: "+item) || strings.Count(r.stdout, "not defined: address") != 1 {
		t.Errorf("status should list %q, and only it: %s", item, r)
	}
	if r := h.vx("web", "status", "--json"); !strings.Contains(r.stdout, `"`+item+`"`) {
		t.Errorf("status --json lacks %q: %s", item, r)
	}
	if r := h.vx("web", "check"); !strings.Contains(r.stdout+r.stderr, item) {
		t.Errorf("check lacks a warning about %q: %s", item, r)
	}
	h.mustVX("web", "stop")
	h.mustVX("mail", "stop")
}
