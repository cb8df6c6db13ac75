// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package nstest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// NamespaceState is what a test compares in the named namespace X before
// and after an operation that must change exactly what it intends there:
// links (ip -n X -d -o link), addresses (ip -n X -o addr), routes (both
// families, all tables) and the values of chosen sysctls. Each line starts
// with what it is: "link: ", "addr: ", "route: ", "sysctl: ".
type NamespaceState struct {
	Lines []string

	tentative bool // some IPv6 address is still in duplicate address detection
}

// SnapshotNamespace records the state of named namespace x, with the
// sysctls keys (net.ipv4.ip_forward, ...), once it has settled (as
// Snapshot does).
func SnapshotNamespace(t testing.TB, x string, keys ...string) NamespaceState {
	t.Helper()
	RequireRoot(t)
	prev := readNamespace(t, x, keys)
	for deadline := time.Now().Add(settleTime); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		now := readNamespace(t, x, keys)
		if !now.tentative && strings.Join(now.Lines, "\n") == strings.Join(prev.Lines, "\n") {
			return now
		}
		prev = now
	}
	return prev
}

// readNamespace reads the state of x once.
func readNamespace(t testing.TB, x string, keys []string) NamespaceState {
	t.Helper()
	addrs := IP(t, "-n", x, "-o", "addr", "show")
	var out []string
	add := func(kind string, ls []string) {
		for _, l := range ls {
			out = append(out, kind+": "+l)
		}
	}
	add("link", lines(derived.ReplaceAllString(IP(t, "-n", x, "-d", "-o", "link", "show"), "")))
	add("addr", lines(volatile.ReplaceAllString(addrs, "")))
	add("route", lines(IP(t, "-n", x, "-4", "route", "show", "table", "all")))
	add("route", lines(IP(t, "-n", x, "-6", "route", "show", "table", "all")))
	for _, k := range keys {
		add("sysctl", []string{k + " = " + readSysctlIn(t, x, k)})
	}
	return NamespaceState{Lines: out, tentative: strings.Contains(addrs, " tentative")}
}

// readSysctlIn reads sysctl key inside x through `ip netns exec`.
func readSysctlIn(t testing.TB, x, key string) string {
	t.Helper()
	path := filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
	b, err := exec.Command("ip", "netns", "exec", x, "cat", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns exec %s cat %s: %v: %s", x, path, err, b)
	}
	return strings.TrimSpace(string(b))
}

// DiffNamespace returns the lines of the namespace state only in was and
// only in now (as multisets), each sorted.
func DiffNamespace(was, now NamespaceState) (gone, added []string) {
	return sandbox.DiffLines(was.Lines, now.Lines)
}
