package config

import (
	"bytes"
	"os"
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
	g.SpacesNet, g.HasSpacesNet = r.value(g.File(GuestSpacesNet))
	g.SpacesNetUnterminated = g.HasSpacesNet && g.SpacesNet != "" && !endsWithNewline(g.File(GuestSpacesNet))
	g.CleanupSkip, g.HasCleanupSkip = r.list(g.File(GuestCleanupSkip))
	g.Marks, _ = r.list(g.File(GuestMark))
	g.Depends, _ = r.list(g.File(GuestDepends))
	g.Disabled = exists(g.File(GuestDisabled))
	g.HasVdir = exists(g.File(GuestVdir))
	g.HasUtilNetns = isDir(g.File(GuestUtilNetns))
	return g, probs
}

// readContext reads the context file: a decimal 0–65535.
func readContext(r reader, g *Guest) {
	file := g.File(GuestContext)
	s, ok := r.value(file)
	if !ok {
		return
	}
	n, err := parseNumber(s, "context id", 0, MaxID)
	if err != nil {
		r.add(file, "%v", err)
		return
	}
	g.Context, g.HasContext = n, true
}

// SkipsCleanup reports whether path is listed in the guest's
// namespace-cleanup-skip (exact match, as util-vserver compares), e.g.
// g.SkipsCleanup("/run/netns/fw").
func (g *Guest) SkipsCleanup(path string) bool {
	return slices.Contains(g.CleanupSkip, filepath.Clean(path))
}

// endsWithNewline reports whether the first line of a file is terminated
// by a newline (util-vserver's `read` fails on an unterminated last line).
func endsWithNewline(path string) bool {
	data, err := os.ReadFile(path)
	return err == nil && bytes.IndexByte(data, '\n') >= 0
}
