// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// TestCheckWarnsTentativeGuestAddress: an IPv6 address in a guest's
// util-vserver interfaces/ on a namespace interface without dad off makes
// check and plan warn that it is tentative after the guest starts; the
// guest's IPv4 address does not; with dad off the warning is gone.
func TestCheckWarnsTentativeGuestAddress(t *testing.T) {
	confdir := setUpDMZ(t)
	configtest.WriteFiles(t, confdir, map[string]string{"web/interfaces/1/ip": "2001:db8::20\n", "web/interfaces/1/dev": "eth0\n"})
	want := "2001:db8::20 on eth0 (" + filepath.Join(confdir, "web/interfaces/1/ip") + "): IPv6 address from util-vserver's interfaces/ " +
		"is tentative for about a second after the guest's init starts; move it into the namespace definition or set dad off"
	for _, cmd := range []string{"check", "plan"} {
		r := vxIn(t, confdir, "web", cmd)
		if r.code != 0 || strings.Count(r.stdout+r.stderr, want) != 1 {
			t.Errorf("web %s: want exit 0 and the warning\n%s\nonce: %s", cmd, want, r)
		}
		if strings.Contains(r.stdout+r.stderr, "192.0.2.20 on eth0") {
			t.Errorf("web %s warns about the IPv4 address: %s", cmd, r)
		}
	}
	configtest.WriteFiles(t, confdir, map[string]string{".netns/dmz/interfaces/0/dad": "off\n"})
	for _, cmd := range []string{"check", "plan"} {
		if r := vxIn(t, confdir, "web", cmd); r.code != 0 || strings.Contains(r.stdout+r.stderr, "tentative") {
			t.Errorf("web %s with dad off: want exit 0 and no tentative warning: %s", cmd, r)
		}
	}
}
