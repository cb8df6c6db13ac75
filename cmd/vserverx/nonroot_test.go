// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// openPath makes path and every directory above it up to / enterable (and
// readable) by every user, so that a test can run vserverx as nobody on
// the test's files.
func openPath(t *testing.T, path string) {
	t.Helper()
	for p := path; p != "/" && p != "."; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.IsDir() && st.Mode().Perm()&0o005 != 0o005 {
			if err := os.Chmod(p, st.Mode().Perm()|0o055); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// vxNobody runs vserverx with the host's options as user nobody.
func (h *host) vxNobody(args ...string) result {
	h.t.Helper()
	argv := append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--", h.bin,
		"--confdir", h.confdir, "--util-vserver-vars", h.vars}, args...)
	cmd := exec.Command("setpriv", argv...)
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// TestNonRootOutput: without root, list, status, status --json and
// status-all report what they can see (the namespace exists) and mark what
// they cannot (whether guests run, processes) as unknown, with exit code
// 4; a running guest is never shown as down or stopped.
func TestNonRootOutput(t *testing.T) {
	h := newHost(t, "classic-macvlan")
	h.mustVX("fw", "setup")
	h.mustVX("fw", "start")
	defer h.vx("fw", "stop")
	openPath(t, h.bin)
	openPath(t, h.confdir)
	openPath(t, h.vars)
	filepath.Walk(h.confdir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			os.Chmod(p, fi.Mode().Perm()|0o044|map[bool]os.FileMode{true: 0o011}[fi.IsDir()])
		}
		return nil
	})

	r := h.vxNobody("list")
	if r.code != 0 || !strings.Contains(r.stdout, "fw               up        unknown   fw(unknown)") || !strings.Contains(r.stdout, "root is needed") {
		t.Errorf("list as nobody: %s", r)
	}
	if r := h.vxNobody("list", "--running-any"); r.code != 4 {
		t.Errorf("list --running-any as nobody: want 4, got %s", r)
	}
	r = h.vxNobody("fw", "status")
	if r.code != 4 || !strings.Contains(r.stdout, "root is needed") || !strings.Contains(r.stdout, "processes: unknown") ||
		strings.Contains(r.stdout, "stopped") || strings.Contains(r.stdout, "not set up") {
		t.Errorf("status as nobody: %s", r)
	}
	r = h.vxNobody("fw", "status", "--json")
	var st map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("status --json as nobody: %v: %s", err, r)
	}
	if r.code != 4 || st["namespace_exists"] != true || st["running_known"] != false || st["pids_known"] != false || st["running"] != false {
		t.Errorf("status --json as nobody: %s", r)
	}
	r = h.vxNobody("status-all", "--all")
	if r.code != 4 || strings.Contains(r.stdout, "stopped") || !strings.Contains(r.stdout+r.stderr, "root is needed") {
		t.Errorf("status-all as nobody: %s", r)
	}
}
