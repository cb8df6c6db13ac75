// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import "testing"

// TestVethHostName: the host file's name when there is one, else the
// default derived from X and N.
func TestVethHostName(t *testing.T) {
	ns := &Namespace{Name: "a-very-long-name"}
	if got, want := ns.VethHostName(&Interface{Num: 255}), DefaultHostName("a-very-long-name", 255); got != want || got != "vx-a-very-l-255" {
		t.Errorf("derived host name %q, want %q = vx-a-very-l-255", got, want)
	}
	if got := ns.VethHostName(&Interface{Num: 1, Host: "fw-host"}); got != "fw-host" {
		t.Errorf("configured host name not used: %q", got)
	}
}
