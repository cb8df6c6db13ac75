// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/netns/nstest"
)

// runDemo runs testdata/demo/demo.sh (what `make demo` runs) with the
// extra environment and returns everything it printed; a failure fails
// the test. With tty, its output is a terminal (script(1) gives it one).
func runDemo(t *testing.T, tty bool, env ...string) string {
	t.Helper()
	nstest.RequireRoot(t)
	bin, demo := vserverxBinary(t), repoPath("testdata/demo/demo.sh")
	cmd := exec.Command("bash", demo, bin)
	if tty {
		if _, err := exec.LookPath("script"); err != nil {
			t.Skip("script (util-linux) is not installed: no terminal for the demo")
		}
		cmd = exec.Command("script", "-qec", "bash "+demo+" "+bin, "/dev/null")
	}
	cmd.Env = append(withoutEnv(os.Environ(), "NO_COLOR", "VSERVERX_DEMO_SANDBOX"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	return string(out)
}

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			keep = keep && name != n
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// TestDemoInPipe: in a pipe the demo prints no colour escapes, says what
// it measured about the kernel's VLAN support, names the source of each
// address, shows mail joining dmz and ends with nothing left behind.
func TestDemoInPipe(t *testing.T) {
	out := runDemo(t, false)
	if strings.Contains(out, "\033[") {
		t.Errorf("the demo wrote colour escapes into a pipe:\n%q", out[:min(len(out), 300)])
	}
	for _, want := range []string{
		"802.1Q VLAN devices (a probe, ip link add link eth0 type vlan id 2,",
		"web/interfaces/0/ip (192.0.2.20/24 on eth0): util-vserver's own interfaces/",
		"eth0 192.0.2.20/24  <- web/interfaces/0/ip: util-vserver adds it, inside dmz, when guest web starts",
		"eth0 192.0.2.10/24  <- .netns/dmz/interfaces/0/ip: vserverx adds it before the guests start",
		"vserverx: joined existing network namespace dmz",
		"The same links as before the demo:",
		"Demo finished",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo did not print %q:\n%s", want, out)
		}
	}
}

// TestDemoColour: on a terminal the headings are bold, and NO_COLOR
// turns that off there too.
func TestDemoColour(t *testing.T) {
	if out := runDemo(t, true); !strings.Contains(out, "\033[1m== The host") {
		t.Errorf("on a terminal the demo's headings are not bold:\n%q", out[:min(len(out), 300)])
	}
	if out := runDemo(t, true, "NO_COLOR=1"); strings.Contains(out, "\033[") {
		t.Errorf("with NO_COLOR set the demo wrote colour escapes:\n%q", out[:min(len(out), 300)])
	}
}
