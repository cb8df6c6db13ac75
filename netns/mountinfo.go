// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// mountEntry is one line of /proc/PID/mountinfo, as far as this package
// needs it.
type mountEntry struct {
	ID     int    // mount ID
	Parent int    // ID of the mount it is mounted on
	Point  string // mount point, unescaped
	Shared bool   // optional field shared:N
	Slave  bool   // optional field master:N
	FSType string
}

// parseMountinfo parses the text of a mountinfo file.
func parseMountinfo(text string) ([]mountEntry, error) {
	var out []mountEntry
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		e, err := parseMountinfoLine(sc.Text())
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// parseMountinfoLine parses "ID PARENT MAJ:MIN ROOT POINT OPTS [OPT...] - FSTYPE SRC SUPER".
func parseMountinfoLine(line string) (mountEntry, error) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if len(f) < 7 || sep < 0 || sep+1 >= len(f) {
		return mountEntry{}, fmt.Errorf("malformed mountinfo line %q", line)
	}
	id, errID := strconv.Atoi(f[0])
	parent, errParent := strconv.Atoi(f[1])
	if errID != nil || errParent != nil {
		return mountEntry{}, fmt.Errorf("malformed mountinfo line %q: mount IDs are not numbers", line)
	}
	e := mountEntry{ID: id, Parent: parent, Point: unescapeMount(f[4]), FSType: f[sep+1]}
	for _, opt := range f[6:sep] {
		e.Shared = e.Shared || strings.HasPrefix(opt, "shared:")
		e.Slave = e.Slave || strings.HasPrefix(opt, "master:")
	}
	return e, nil
}

// unescapeMount undoes the kernel's octal escapes (\040 for space etc.).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountsBelow reports whether anything is mounted below dir in the calling
// thread's mount namespace.
func mountsBelow(dir string) (bool, error) {
	entries, err := threadMounts()
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Point, dir+"/") {
			return true, nil
		}
	}
	return false, nil
}

// threadMounts reads the calling thread's mount table.
func threadMounts() ([]mountEntry, error) {
	const file = "/proc/thread-self/mountinfo"
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	entries, err := parseMountinfo(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return entries, nil
}

// mountAt returns the topmost mount at point in the calling thread's mount
// namespace, or nil when point is not a mount point. A mount hidden by one
// made over a directory above it (a tmpfs mounted on /run after /run/netns)
// does not count: point is then a plain directory.
func mountAt(point string) (*mountEntry, error) {
	entries, err := threadMounts()
	if err != nil {
		return nil, err
	}
	return visibleMountAt(entries, point), nil
}

// visibleMountAt resolves point as a path lookup does: from the root mount,
// each prefix of point (and point itself) descends into the mounts made on
// it, the last one stacked there being the one seen. It returns the mount
// found at point itself, or nil.
func visibleMountAt(entries []mountEntry, point string) *mountEntry {
	cur := rootMount(entries)
	if cur == nil {
		return nil
	}
	cur = topmostAt(entries, cur, "/")
	for _, prefix := range pathPrefixes(point) {
		cur = topmostAt(entries, cur, prefix)
	}
	if cur.Point != point {
		return nil
	}
	return cur
}

// rootMount returns the mount at "/" whose parent is itself or not in the
// table.
func rootMount(entries []mountEntry) *mountEntry {
	ids := make(map[int]bool, len(entries))
	for _, e := range entries {
		ids[e.ID] = true
	}
	for i := range entries {
		if e := entries[i]; e.Point == "/" && (e.Parent == e.ID || !ids[e.Parent]) {
			return &entries[i]
		}
	}
	return nil
}

// topmostAt follows the mounts stacked at path on top of cur (each one's
// parent is the one below it) and returns the last.
func topmostAt(entries []mountEntry, cur *mountEntry, path string) *mountEntry {
	for {
		next := childAt(entries, cur.ID, path)
		if next == nil {
			return cur
		}
		cur = next
	}
}

// childAt returns the mount at path whose parent is the mount parent; of
// several (possible only in odd tables), the last.
func childAt(entries []mountEntry, parent int, path string) *mountEntry {
	var found *mountEntry
	for i := range entries {
		if e := &entries[i]; e.Parent == parent && e.Point == path && e.ID != parent {
			found = e
		}
	}
	return found
}

// pathPrefixes returns "/a", "/a/b", "/a/b/c" for "/a/b/c"; nothing for "/".
func pathPrefixes(p string) []string {
	var out []string
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	if len(out) == 1 && out[0] == "/" {
		return nil
	}
	return out
}
