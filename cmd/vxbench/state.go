// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// endState is what the sandbox holds after a setup, as iproute2 shows it:
// `ip -d -o link` and `ip -o addr` on the host and in every named
// namespace, one normalized line each, prefixed with where it was seen.
type endState []string

// masks are the parts of `ip` output that the comparison ignores:
// interface indexes (the kernel hands them out in creation order, and the
// two contenders create links in different orders), the interface alias
// and link group (vserverx marks its links with both, the ip scriptlet
// sets neither), netns ids (numbered as namespaces are first referenced), address
// lifetimes and duplicate address detection flags (they change by
// themselves), and the TSO limits the kernel derives.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^\d+: `), ""},
	{regexp.MustCompile(`@if\d+`), "@ifN"},
	{regexp.MustCompile(`\s+alias \S+`), ""},
	{regexp.MustCompile(`\s+group \S+`), ""},
	{regexp.MustCompile(`link-netnsid \d+`), "link-netnsid N"},
	{regexp.MustCompile(`\s+(valid_lft|preferred_lft) \S+`), ""},
	{regexp.MustCompile(`\s+(tentative|dadfailed)`), ""},
	{regexp.MustCompile(`\s+tso_max_(size|segs) \d+`), ""},
	{regexp.MustCompile(`[\s\\]+`), " "},
}

// normalize masks one line of `ip -o` output.
func normalize(line string) string {
	for _, m := range masks {
		line = m.re.ReplaceAllString(line, m.with)
	}
	return strings.TrimSpace(line)
}

// stateLines turns `ip -o` output seen at where into normalized lines.
func stateLines(where, out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = normalize(l); l != "" {
			lines = append(lines, where+": "+l)
		}
	}
	return lines
}

// readState reads the end state once; tentative reports whether an IPv6
// address was still in duplicate address detection.
func readState(netnsDir string) (s endState, tentative bool, err error) {
	names, err := nsNames(netnsDir)
	if err != nil {
		return nil, false, err
	}
	for _, where := range append([]string{"host"}, names...) {
		var pre []string
		if where != "host" {
			pre = []string{"-n", where}
		}
		links, err := ip(append(pre, "-d", "-o", "link", "show")...)
		if err != nil {
			return nil, false, err
		}
		addrs, err := ip(append(pre, "-o", "addr", "show")...)
		if err != nil {
			return nil, false, err
		}
		tentative = tentative || strings.Contains(addrs, " tentative")
		s = append(s, stateLines(where, links)...)
		s = append(s, stateLines(where, addrs)...)
	}
	sort.Strings(s)
	return s, tentative, nil
}

// nsNames lists the named namespaces in dir, sorted.
func nsNames(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, nil
}

// settledState reads the end state once it stops changing: links just set
// up gain their carrier and IPv6 link-local addresses a moment later.
func settledState(netnsDir string, limit time.Duration) (endState, error) {
	prev, _, err := readState(netnsDir)
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		now, tentative, err := readState(netnsDir)
		if err != nil {
			return nil, err
		}
		if !tentative && now.String() == prev.String() {
			return now, nil
		}
		prev = now
	}
	return prev, nil
}

func (s endState) String() string { return strings.Join(s, "\n") }

// compareStates returns an error naming every difference between the end
// states reached by two contenders.
func compareStates(nameA string, a endState, nameB string, b endState) error {
	onlyA, onlyB := sandbox.DiffLines(a, b)
	if len(onlyA)+len(onlyB) == 0 {
		return nil
	}
	return fmt.Errorf("end states differ:\n  only after %s:\n    %s\n  only after %s:\n    %s",
		nameA, strings.Join(onlyA, "\n    "), nameB, strings.Join(onlyB, "\n    "))
}

// checkClean checks that the sandbox holds what it holds between runs: no
// named namespace, and on the host only lo and the stand-in NIC eth0/eth0p.
func checkClean(netnsDir string) error {
	names, err := nsNames(netnsDir)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("named namespaces left behind in %s: %s", netnsDir, strings.Join(names, " "))
	}
	links, err := linkNames()
	if err != nil {
		return err
	}
	sort.Strings(links)
	if strings.Join(links, " ") != "eth0 eth0p lo" {
		return fmt.Errorf("host links left behind: have %s, want eth0 eth0p lo", strings.Join(links, " "))
	}
	return nil
}
