// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package sandbox_test

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// TestMain runs the tests in nstest's sandbox, which sandbox.Prepare set up.
func TestMain(m *testing.M) { nstest.Main(m) }

// TestMakeHostNICNameTaken: a taken name is an error naming it, and the
// existing link is left as it was.
func TestMakeHostNICNameTaken(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth7")
	before := nstest.IP(t, "-o", "link", "show")
	err := sandbox.MakeHostNIC("eth7")
	if err == nil || !strings.Contains(err.Error(), "stand-in host NIC eth7") {
		t.Fatalf("want an error naming eth7, got %v", err)
	}
	if after := nstest.IP(t, "-o", "link", "show"); after != before {
		t.Errorf("the failed MakeHostNIC changed the links:\n%s", after)
	}
}

// TestDeleteLinkMissing: deleting a link that is not there is an error
// naming it, and nothing changes.
func TestDeleteLinkMissing(t *testing.T) {
	nstest.RequireRoot(t)
	before := nstest.IP(t, "-o", "link", "show")
	if err := sandbox.DeleteLink("nosuch0"); err == nil || !strings.Contains(err.Error(), "deleting nosuch0") {
		t.Fatalf("want an error naming nosuch0, got %v", err)
	}
	if after := nstest.IP(t, "-o", "link", "show"); after != before {
		t.Errorf("the failed DeleteLink changed the links:\n%s", after)
	}
}
