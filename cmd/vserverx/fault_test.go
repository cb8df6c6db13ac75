// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// faultHost is a host with guest fx in namespace fx holding one interface
// of every type the host kernel has (a macvlan on eth0, a veth, the host
// device eth1 moved in as phys; the vlan variant, TestFaultInjectionVLAN,
// needs 8021q and runs in the test VM) and
// a sysctl, so that its start plan has a step for each.
func faultHost(t *testing.T) *host {
	t.Helper()
	h := newHost(t)
	addNIC(t, vethNIC, "eth1")
	for rel, content := range map[string]string{
		"fx/context":                           "61\n",
		"fx/spaces/net":                        "fx\n",
		"fx/vdir/.keep":                        "",
		"fx/fstab":                             "",
		".netns/fx/interfaces/0/type":          "macvlan\n",
		".netns/fx/interfaces/0/link":          "eth0\n",
		".netns/fx/interfaces/0/ip":            "192.0.2.61/24\n",
		".netns/fx/interfaces/1/type":          "veth\n",
		".netns/fx/interfaces/1/ip":            "198.51.100.61/30\n",
		".netns/fx/interfaces/2/type":          "phys\n",
		".netns/fx/interfaces/2/link":          "eth1\n",
		".netns/fx/sysctl/net.ipv4.ip_forward": "1\n",
	} {
		h.write(rel, content)
	}
	h.mustVX("fx", "setup")
	return h
}

// planSteps counts the numbered steps of `vserverx GUEST plan`; a plan
// with fewer than min steps fails the test.
func planSteps(t *testing.T, h *host, guest string, min int) int {
	t.Helper()
	n := len(regexp.MustCompile(`(?m)^ ?\d+\. `).FindAllString(h.mustVX(guest, "plan").stdout, -1))
	if n < min {
		t.Fatalf("plan of %s has %d steps, want at least %d", guest, n, min)
	}
	return n
}

// vxFault runs vserverx fx CMD with the test fault kind:step and returns
// its result; a SIGKILL shows as code -1.
func (h *host) vxFault(fault string, args ...string) result {
	h.t.Helper()
	saved := h.env
	h.env = append(append([]string(nil), h.env...), lifecycle.EnvFault+"="+fault)
	defer func() { h.env = saved }()
	return h.vx(args...)
}

// TestFaultInjectionStart: start is killed (SIGKILL) or interrupted
// (SIGTERM) right after every step of its plan (lock, namespace, macvlan,
// veth, phys, sysctl, vprocunhide, vserver). SIGTERM leaves with 143, names
// the signal and undoes what the start created; after either, the next
// start succeeds and a stop leaves the host as it was.
func TestFaultInjectionStart(t *testing.T) {
	h := faultHost(t)
	faultEveryStartStep(t, h, "fx", "fx", planSteps(t, h, "fx", 8))
}

// TestFaultInjectionStop: stop is killed or interrupted right after each
// of its steps (vserver stop, the lock, the teardown); the next start
// succeeds and a stop leaves the host as it was.
func TestFaultInjectionStop(t *testing.T) {
	faultEveryStopStep(t, faultHost(t), "fx", "fx")
}

// faultEveryStartStep kills, then interrupts, `vserverx GUEST start`
// right after each of its steps (namespace x) and checks what is left.
func faultEveryStartStep(t *testing.T, h *host, guest, x string, steps int) {
	t.Helper()
	before := nstest.Snapshot(t)
	for k := 1; k <= steps; k++ {
		for _, kind := range []string{"kill", "term"} {
			r := h.vxFault(kind+":"+strconv.Itoa(k), guest, "start")
			checkFaultResult(t, kind, k, r)
			if kind == "term" && k > 1 && k < steps && !strings.Contains(r.stderr, "undone: create network namespace "+x) {
				t.Errorf("%s:%d: nothing said about the undo:\n%s", kind, k, r)
			}
			if kind == "kill" && k < steps {
				waitNoProcesses(t, x)
			}
			h.mustVX(guest, "start")
			h.mustVX(guest, "stop")
			nstest.AssertSame(t, before)
		}
	}
}

// faultEveryStopStep kills, then interrupts, `vserverx GUEST stop` right
// after each of its steps and checks what is left.
func faultEveryStopStep(t *testing.T, h *host, guest, x string) {
	t.Helper()
	before := nstest.Snapshot(t)
	for k := 1; k <= 3; k++ {
		for _, kind := range []string{"kill", "term"} {
			h.mustVX(guest, "start")
			r := h.vxFault(kind+":"+strconv.Itoa(k), guest, "stop")
			checkFaultResult(t, kind, k, r)
			if kind == "term" && !strings.Contains(r.stderr, "run `vserverx "+guest+" stop` again") && !strings.Contains(r.stderr, "teardown of namespace "+x+" had finished") {
				t.Errorf("%s:%d: the interrupted stop says neither that it finished the teardown nor what to do:\n%s", kind, k, r)
			}
			h.mustVX(guest, "start")
			h.mustVX(guest, "stop")
			nstest.AssertSame(t, before)
		}
	}
}

// checkFaultResult checks how vserverx ended after the fault kind at step k.
func checkFaultResult(t *testing.T, kind string, k int, r result) {
	t.Helper()
	if !strings.Contains(r.stderr, "test fault: ") {
		t.Fatalf("%s:%d: the fault was not injected:\n%s", kind, k, r)
	}
	switch kind {
	case "kill":
		if r.code != -1 {
			t.Errorf("kill:%d: want death by SIGKILL, got %s", k, r)
		}
	case "term":
		if r.code != 143 || !strings.Contains(r.stderr, "interrupted by SIGTERM") {
			t.Errorf("term:%d: want exit 143 naming SIGTERM, got %s", k, r)
		}
	}
}

// waitNoProcesses waits until nothing lives in named namespace x (a killed
// vserverx's helpers).
func waitNoProcesses(t *testing.T, x string) {
	t.Helper()
	waitFor(t, "processes to leave "+x, func() bool {
		out, _ := exec.Command("ip", "netns", "pids", x).Output()
		return strings.TrimSpace(string(out)) == ""
	})
}
