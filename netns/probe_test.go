// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"os"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestProbeSysctls: a key no namespace has and a value the kernel cannot
// hold are refused, in ApplySysctls' words; a good value is not, an
// interface's key is tried on the default entry; and the caller's own
// namespace is left as it was.
func TestProbeSysctls(t *testing.T) {
	nstest.RequireRoot(t)
	const forward = "/proc/sys/net/ipv4/ip_forward"
	before, err := os.ReadFile(forward)
	if err != nil {
		t.Fatal(err)
	}
	flip := "1"
	if strings.TrimSpace(string(before)) == "1" {
		flip = "0"
	}
	s := []config.Sysctl{
		{Key: "net.ipv4.ip_forward", Value: flip, File: "/c/sysctl/net.ipv4.ip_forward"},
		{Key: "net.ipv4.no_such_key", Value: "1", File: "/c/sysctl/net.ipv4.no_such_key"},
		{Key: "net.ipv6.conf.all.forwarding", Value: "yes", File: "/c/sysctl/net.ipv6.conf.all.forwarding"},
		{Key: "net.ipv4.conf.lan0.arp_notify", Value: "1", File: "/c/sysctl/net.ipv4.conf.lan0.arp_notify"},
		{Key: "net.ipv4.conf.lan0.no_such", Value: "1", File: "/c/sysctl/net.ipv4.conf.lan0.no_such"},
	}
	refused, err := ProbeSysctls(s, []string{"lan0"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sysctl net.ipv4.no_such_key (/c/sysctl/net.ipv4.no_such_key): unknown key",
		`sysctl net.ipv6.conf.all.forwarding (/c/sysctl/net.ipv6.conf.all.forwarding): write "yes"`,
		"sysctl net.ipv4.conf.lan0.no_such (/c/sysctl/net.ipv4.conf.lan0.no_such): unknown key",
	}
	if len(refused) != len(want) {
		t.Fatalf("refused %v, want %d", refused, len(want))
	}
	for i, r := range refused {
		if !strings.HasPrefix(r.Err.Error(), want[i]) {
			t.Errorf("refused %q, want it to start with %q", r.Err, want[i])
		}
	}
	if after, _ := os.ReadFile(forward); string(after) != string(before) {
		t.Errorf("the probe changed the caller's %s: %q, was %q", forward, after, before)
	}
}
