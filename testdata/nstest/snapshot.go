// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package nstest

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// NetnsDir is the named-namespace directory Snapshot looks at (the
// sandbox's own /run/netns).
const NetnsDir = "/run/netns"

// HostState is what a test compares before and after an operation that
// must leave the (sandbox's) host as it was: links (ip -d -o link),
// addresses (ip -o addr), routes (ip route show table all, both families),
// the mount table (/proc/self/mountinfo) and the listing of NetnsDir.
type HostState struct {
	Links, Addrs, Routes, Mounts, NetnsDir []string

	tentative bool // some IPv6 address is still in duplicate address detection
}

// volatile matches the parts of `ip` output that change on their own
// (address lifetimes, DAD state).
var volatile = regexp.MustCompile(`\s+(valid_lft|preferred_lft)\s+\S+|\s+tentative|\s+dadfailed`)

// derived matches link attributes the kernel derives from other links and
// never gives back (a bridge keeps the largest TSO limits of any port it
// ever had), so that adding and removing a bridge port is not a change,
// and a bridge's and its ports' timers, which count down on their own.
var derived = regexp.MustCompile(`\s+tso_max_(size|segs)\s+\d+|\s+[a-z_]+_timer\s+[\d.]+`)

// settleTime bounds how long Snapshot waits for the state to stop changing
// and AssertSame waits for it to come back.
const settleTime = 3 * time.Second

// Snapshot records the host state of the sandbox once it has settled: links
// that were just set up gain their carrier and IPv6 link-local addresses
// (and, after duplicate address detection, their local routes) a moment
// later, so it reads until no address is tentative and two readings 50ms
// apart agree.
func Snapshot(t testing.TB) HostState {
	t.Helper()
	RequireRoot(t)
	prev := readState(t)
	for deadline := time.Now().Add(settleTime); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		now := readState(t)
		if !now.tentative && now.String() == prev.String() && strings.Join(now.Mounts, "\n") == strings.Join(prev.Mounts, "\n") {
			return now
		}
		prev = now
	}
	return prev
}

// readState reads the host state once.
func readState(t testing.TB) HostState {
	t.Helper()
	addrs := IP(t, "-o", "addr", "show")
	return HostState{
		tentative: strings.Contains(addrs, " tentative"),
		Links:     lines(derived.ReplaceAllString(IP(t, "-d", "-o", "link", "show"), "")),
		Addrs:     lines(volatile.ReplaceAllString(addrs, "")),
		Routes:    append(lines(IP(t, "-4", "route", "show", "table", "all")), lines(IP(t, "-6", "route", "show", "table", "all"))...),
		Mounts:    lines(readFile(t, "/proc/self/mountinfo")),
		NetnsDir:  dirListing(t, NetnsDir),
	}
}

// AssertSame fails the test, naming every difference, when the host state
// differs from before (it waits up to a few seconds for asynchronous kernel
// work, such as the cleanup of a deleted namespace, to finish).
func AssertSame(t testing.TB, before HostState) {
	t.Helper()
	RequireRoot(t)
	now := readState(t)
	for deadline := time.Now().Add(settleTime); time.Now().Before(deadline) && !same(before, now); {
		time.Sleep(50 * time.Millisecond)
		now = readState(t)
	}
	for _, c := range []struct {
		what     string
		was, now []string
	}{
		{"links (ip -d -o link)", before.Links, now.Links},
		{"addresses (ip -o addr)", before.Addrs, now.Addrs},
		{"routes", before.Routes, now.Routes},
		{"mounts (/proc/self/mountinfo)", before.Mounts, now.Mounts},
		{"namespace directory " + NetnsDir, before.NetnsDir, now.NetnsDir},
	} {
		if gone, added := sandbox.DiffLines(c.was, c.now); len(gone)+len(added) > 0 {
			t.Errorf("host %s changed:\n  gone:  %s\n  added: %s", c.what,
				strings.Join(gone, "\n         "), strings.Join(added, "\n         "))
		}
	}
}

// same reports whether two states are equal.
func same(a, b HostState) bool {
	for _, p := range [][2][]string{{a.Links, b.Links}, {a.Addrs, b.Addrs}, {a.Routes, b.Routes}, {a.Mounts, b.Mounts}, {a.NetnsDir, b.NetnsDir}} {
		if gone, added := sandbox.DiffLines(p[0], p[1]); len(gone)+len(added) > 0 {
			return false
		}
	}
	return true
}

// lines splits output into trimmed, non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dirListing lists dir's entry names, or says it is absent.
func dirListing(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return []string{"(absent)"}
	}
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"(present)"}
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// String shows the state, for debugging.
func (s HostState) String() string {
	return fmt.Sprintf("links:\n%s\naddrs:\n%s\nroutes:\n%s\nnetns dir: %v",
		strings.Join(s.Links, "\n"), strings.Join(s.Addrs, "\n"), strings.Join(s.Routes, "\n"), s.NetnsDir)
}
