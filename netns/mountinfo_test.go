// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseMountinfo(t *testing.T) {
	text := "36 35 98:0 /mnt1 /run/net\\040ns rw,noatime master:1 shared:7 - ext3 /dev/root rw\n" +
		"37 35 0:4 net:[4026532] /run/netns/fw rw - nsfs nsfs rw\n"
	es, err := parseMountinfo(text)
	if err != nil || len(es) != 2 {
		t.Fatalf("parseMountinfo: %v %v", es, err)
	}
	if es[0].Point != "/run/net ns" || !es[0].Shared || !es[0].Slave || es[0].FSType != "ext3" {
		t.Errorf("first entry %+v", es[0])
	}
	if es[1].Point != "/run/netns/fw" || es[1].Shared || es[1].FSType != "nsfs" {
		t.Errorf("second entry %+v", es[1])
	}
	if es[1].ID != 37 || es[1].Parent != 35 {
		t.Errorf("second entry: IDs %d %d, want 37 35", es[1].ID, es[1].Parent)
	}
	if _, err := parseMountinfo("x 35 0:4 / /a rw - tmpfs t rw\n"); err == nil || !strings.Contains(err.Error(), "mount IDs are not numbers") {
		t.Errorf("a line with a non-numeric mount ID accepted: %v", err)
	}
	if _, err := parseMountinfo("1 2 3\n"); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("malformed line accepted: %v", err)
	}
}

// mountTable builds mount entries from "ID PARENT POINT" triples.
func mountTable(rows ...string) []mountEntry {
	var es []mountEntry
	for _, r := range rows {
		f := strings.Fields(r)
		id, _ := strconv.Atoi(f[0])
		parent, _ := strconv.Atoi(f[1])
		es = append(es, mountEntry{ID: id, Parent: parent, Point: f[2]})
	}
	return es
}

// TestVisibleMountAt: the mount found at a path is the one a path lookup
// reaches, not one hidden under a mount made over a directory above it.
func TestVisibleMountAt(t *testing.T) {
	base := []string{"20 1 /", "30 20 /run", "31 30 /run/netns"}
	cases := []struct {
		name  string
		rows  []string
		point string
		want  int // mount ID, 0 for none
	}{
		{"plain mount point", base, "/run/netns", 31},
		{"its parent", base, "/run", 30},
		{"the root", base, "/", 20},
		{"a plain directory", base, "/srv", 0},
		{"a directory inside a mount", base, "/run/lock", 0},
		{"hidden by a tmpfs on /run", append(base, "40 30 /run"), "/run/netns", 0},
		{"the tmpfs over it", append(base, "40 30 /run"), "/run", 40},
		{"mounted again on the new /run", append(base, "40 30 /run", "41 40 /run/netns"), "/run/netns", 41},
		{"stacked at the same point", append(base, "32 31 /run/netns"), "/run/netns", 32},
		{"root is its own parent", []string{"1 1 /", "2 1 /run"}, "/run", 2},
	}
	for _, c := range cases {
		got := visibleMountAt(mountTable(c.rows...), c.point)
		switch {
		case c.want == 0 && got != nil:
			t.Errorf("%s: %s resolves to mount %d, want no mount point", c.name, c.point, got.ID)
		case c.want != 0 && (got == nil || got.ID != c.want):
			t.Errorf("%s: %s resolves to %+v, want mount %d", c.name, c.point, got, c.want)
		}
	}
}
