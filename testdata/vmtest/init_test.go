// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"os/exec"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	for _, s := range []string{"plain", "it's", "a b\tc", `$HOME "x" \n`, ""} {
		out, err := exec.Command("sh", "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %s back as %q (%v), want %q", shellQuote(s), out, err, s)
		}
	}
}

func TestInitScript(t *testing.T) {
	tests := []TestBinary{
		{Name: "selftest", Path: "/host/selftest.test"},
		{Name: "netns", Path: "/host/netns.test", Dir: "/src/netns", Args: []string{"-test.run=VLAN|Dummy"}},
	}
	script := initScript("n0nce", "/usr/bin/busybox", []Module{{Path: "/c/llc.ko"}, {Path: "/c/dummy.ko", Params: []string{"numdummies=0"}}}, tests, []string{"A=it's"})
	for _, want := range []string{
		"#!/usr/bin/busybox sh\n",
		"M='@@vmtest-n0nce'\n",
		"insmod '/lib/modules/vserverx/llc.ko' || fail insmod 'llc.ko'\ninsmod '/lib/modules/vserverx/dummy.ko' 'numdummies=0' || fail insmod 'dummy.ko'\n",
		"export VSERVERX_TEST_VM=1 PATH=" + guestPATH,
		`export 'A=it'\''s'`,
		"echo \"$M BEGIN selftest\"\n(cd '/vmtest/selftest' && exec '/vmtest/selftest.test' -test.v) 2>&1\necho \"$M END selftest $?\"\n",
		"(cd '/src/netns' && exec '/vmtest/netns.test' -test.v '-test.run=VLAN|Dummy') 2>&1",
		"echo \"$M DONE\"\npoweroff -f\n",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("init script lacks %q:\n%s", want, script)
		}
	}
	if out, err := exec.Command("sh", "-n", "-c", script).CombinedOutput(); err != nil {
		t.Errorf("sh -n rejects the init script: %v\n%s", err, out)
	}
}
