// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package nstest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// ip runs iproute2's ip: the independent witness tests use to look at what
// the kernel holds (IP, Snapshot). It sets nothing up — stand-ins are made
// through netlink — and no production code runs it.
func ip(args ...string) (string, error) {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// IP runs iproute2's ip and fails the test when it fails; it returns the
// output.
func IP(t testing.TB, args ...string) string {
	t.Helper()
	out, err := ip(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// HostNIC creates a veth pair in the sandbox that stands in for a host NIC
// called name (for example "eth0"); its peer is name+"p". Both are UP. The
// pair is deleted when the test ends (sandbox.MakeHostNIC,
// sandbox.DeleteLink).
func HostNIC(t testing.TB, name string) {
	t.Helper()
	RequireRoot(t)
	if err := sandbox.MakeHostNIC(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sandbox.DeleteLink(name) })
}
