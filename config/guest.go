// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
)

// Files of a guest confdir that vserverx reads (relative to CONFDIR/NAME).
const (
	GuestContext     = "context"
	GuestSpacesNet   = "spaces/net"
	GuestCleanupSkip = "namespace-cleanup-skip"
	GuestMark        = "apps/init/mark"
	GuestDepends     = "apps/init/depends"
	GuestDisabled    = "disabled"
	GuestVdir        = "vdir"
	GuestUtilNetns   = "netns"
)

// loadGuest reads the guest confdir dir (CONFDIR/name) and returns it with
// every problem of its own files.
func loadGuest(dir, name string) (*Guest, Problems) {
	var probs Problems
	r := reader{probs: &probs}
	g := &Guest{Name: name, Dir: dir}
	readContext(r, g)
	readSpacesNet(r, g)
	g.CleanupSkip, g.HasCleanupSkip = r.list(g.File(GuestCleanupSkip))
	g.Marks, _ = r.list(g.File(GuestMark))
	g.Depends, _ = r.list(g.File(GuestDepends))
	g.Disabled = exists(g.File(GuestDisabled))
	g.HasVdir = exists(g.File(GuestVdir))
	g.HasUtilNetns = isDir(g.File(GuestUtilNetns))
	loadClassic(g)
	return g, probs
}

// readContext reads the context file: a decimal 0–65535.
func readContext(r reader, g *Guest) {
	g.Context, g.HasContext = readIDFile(r, g.File(GuestContext), "context id")
}

// readIDFile reads file, a decimal 0–65535 that messages call what; false
// when the file is absent or invalid (then a problem is recorded).
func readIDFile(r reader, file, what string) (int, bool) {
	s, ok := r.value(file)
	if !ok {
		return 0, false
	}
	n, err := parseNumber(s, what, 0, MaxID)
	if err != nil {
		r.add(file, "%v", err)
		return 0, false
	}
	return n, true
}

// SkipsCleanup reports whether path is listed in the guest's
// namespace-cleanup-skip (exact match, as util-vserver compares), e.g.
// g.SkipsCleanup("/run/netns/fw").
func (g *Guest) SkipsCleanup(path string) bool {
	return slices.Contains(g.CleanupSkip, filepath.Clean(path))
}

// readSpacesNet reads spaces/net once: its value, and whether that value
// lacks the newline util-vserver's `read` needs (it fails on an
// unterminated last line).
func readSpacesNet(r reader, g *Guest) {
	data, ok := r.read(g.File(GuestSpacesNet))
	if !ok {
		return
	}
	g.HasSpacesNet, g.SpacesNet = true, ParseValue(data)
	g.SpacesNetUnterminated = g.SpacesNet != "" && bytes.IndexByte(data, '\n') < 0
	g.SpacesNetInvalid = spacesNetError(data, g.SharedNetns())
}

// spacesNetError says why the content data of spaces/net, whose first line
// names namespace x ("" for none: absent, empty or 0, util-vserver's own
// meanings), cannot name a namespace; nil when it can.
func spacesNetError(data []byte, x string) error {
	if x == "" {
		return nil
	}
	if err := ValidateNamespaceName(x); err != nil {
		return fmt.Errorf("names no valid namespace: %w; write one namespace name on one line, or leave the file empty (a private net space) or 0 (none)", err)
	}
	if lines := ParseList(data); len(lines) > 1 {
		return fmt.Errorf("holds %d lines; util-vserver reads only the first (%q): write the namespace name alone on one line", len(lines), x)
	}
	return nil
}
