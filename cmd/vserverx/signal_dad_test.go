// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestSignalDuringDADWait: SIGTERM to vserverx while it waits for the
// IPv6 addresses of dmz's eth0 to finish duplicate address detection
// stops the start before util-vserver runs, undoes what it made, says
// what it was waiting for, and leaves with 143; the host is as before.
func TestSignalDuringDADWait(t *testing.T) {
	h := newHost(t, "dmz")
	h.mustVX("web", "setup")
	before := nstest.Snapshot(t)
	cmd := exec.Command(h.bin, "--confdir", h.confdir, "--util-vserver-vars", h.vars, "web", "start")
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a tentative address in dmz", func() bool {
		o, err := exec.Command("ip", "-n", "dmz", "-6", "addr", "show", "eth0").CombinedOutput()
		return err == nil && strings.Contains(string(o), "tentative")
	})
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, _ := err.(*exec.ExitError); ee == nil || ee.ExitCode() != 143 {
		t.Fatalf("want exit 143, got %v:\n%s%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{"while waiting for IPv6 duplicate address detection in dmz", "undone: create network namespace dmz"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if h.vserver("web", "running").code == 0 {
		t.Error("the guest was started")
	}
	nstest.AssertSame(t, before)
}
