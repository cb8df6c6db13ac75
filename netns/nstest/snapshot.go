package nstest

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
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
}

// volatile matches the parts of `ip` output that change on their own
// (address lifetimes, DAD state).
var volatile = regexp.MustCompile(`\s+(valid_lft|preferred_lft)\s+\S+|\s+tentative|\s+dadfailed`)

// Snapshot records the host state of the sandbox.
func Snapshot(t testing.TB) HostState {
	t.Helper()
	RequireRoot(t)
	return HostState{
		Links:    lines(IP(t, "-d", "-o", "link", "show")),
		Addrs:    lines(volatile.ReplaceAllString(IP(t, "-o", "addr", "show"), "")),
		Routes:   append(lines(IP(t, "-4", "route", "show", "table", "all")), lines(IP(t, "-6", "route", "show", "table", "all"))...),
		Mounts:   lines(readFile(t, "/proc/self/mountinfo")),
		NetnsDir: dirListing(t, NetnsDir),
	}
}

// AssertSame fails the test, naming every difference, when the host state
// now differs from before.
func AssertSame(t testing.TB, before HostState) {
	t.Helper()
	now := Snapshot(t)
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
		if gone, added := diff(c.was, c.now); len(gone)+len(added) > 0 {
			t.Errorf("host %s changed:\n  gone:  %s\n  added: %s", c.what,
				strings.Join(gone, "\n         "), strings.Join(added, "\n         "))
		}
	}
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

// diff returns the lines only in was and the lines only in now (as
// multisets).
func diff(was, now []string) (gone, added []string) {
	count := map[string]int{}
	for _, l := range was {
		count[l]++
	}
	for _, l := range now {
		count[l]--
	}
	for l, c := range count {
		for ; c > 0; c-- {
			gone = append(gone, l)
		}
		for ; c < 0; c++ {
			added = append(added, l)
		}
	}
	sort.Strings(gone)
	sort.Strings(added)
	return gone, added
}

// String shows the state, for debugging.
func (s HostState) String() string {
	return fmt.Sprintf("links:\n%s\naddrs:\n%s\nroutes:\n%s\nnetns dir: %v",
		strings.Join(s.Links, "\n"), strings.Join(s.Addrs, "\n"), strings.Join(s.Routes, "\n"), s.NetnsDir)
}
