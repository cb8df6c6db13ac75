// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/vserverx/vserverx/config"
)

// networkText finds what makes a scriptlet a network scriptlet: an ip
// command (ip, /sbin/ip, a variable set to such a path) or
// VSPACE_SHARED_CMD. The package's patterns are compiled on first use:
// most vserverx commands never read an old configuration, and each would
// pay for them at start-up.
var networkText = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|[\s;&|({` + "`" + `"'=])(\S*/)?ip($|[\s;"')]|\b)|` + vspaceVar)
})

// scriptlet is one file util-vserver runs for a phase.
type scriptlet struct {
	path  string // as util-vserver finds it (maybe a symbolic link)
	phase string
	real  string // the file read
}

// ReadScriptlets reads the namespace scriptlets of guest name: for every
// phase CONFDIR/NAME/scripts/PHASE and scripts/PHASE.d/* in the order
// util-vserver runs them. A scriptlet with no ip command and no
// VSPACE_SHARED_CMD is no network scriptlet and is left alone; every other
// must be understood line by line, or a *RefuseError names the file and
// line. Without any network scriptlet the error wraps ErrNone.
func ReadScriptlets(confdir, name string) (*Proposal, error) {
	files, err := findScriptlets(confdir, name)
	if err != nil {
		return nil, err
	}
	st := &netState{guest: name}
	var sources []string
	for _, sc := range files {
		used, err := readScriptlet(confdir, sc, st)
		if err != nil {
			return nil, err
		}
		if used {
			sources = append(sources, sc.path)
		}
	}
	if st.ns == "" {
		return nil, fmt.Errorf("%s: %w (no scriptlet in scripts/ names a network namespace)", filepath.Join(confdir, name), ErrNone)
	}
	p, err := st.proposal()
	if err != nil {
		return nil, err
	}
	p.Sources = sources
	return p, setID(p, confdir)
}

// findScriptlets lists the regular files util-vserver runs, in order.
func findScriptlets(confdir, name string) ([]scriptlet, error) {
	base := filepath.Join(confdir, name, "scripts")
	var out []scriptlet
	for _, phase := range config.ScriptletPhases {
		paths := []string{filepath.Join(base, phase)}
		dir := filepath.Join(base, phase+".d")
		ents, err := visibleEntries(dir)
		if err != nil {
			return nil, refuse(dir, 0, "cannot be listed: %v", err)
		}
		for _, e := range ents {
			if e != config.OwnScriptlet {
				paths = append(paths, filepath.Join(dir, e))
			}
		}
		for _, p := range paths {
			if real, ok := regularFile(p); ok {
				out = append(out, scriptlet{path: p, real: real, phase: phase})
			}
		}
	}
	return out, nil
}

// regularFile returns the file p is, or leads to: util-vserver runs only
// regular files (a dangling link or a directory is skipped).
func regularFile(p string) (string, bool) {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	real, err := filepath.EvalSymlinks(p)
	return real, err == nil
}

// readScriptlet reads one scriptlet into st; used says whether it is a
// network scriptlet (to be moved into the backup).
func readScriptlet(confdir string, sc scriptlet, st *netState) (used bool, err error) {
	data, err := os.ReadFile(sc.real)
	if err != nil {
		return false, refuse(sc.real, 0, "cannot be read: %v", unwrapPath(err))
	}
	segs, exps, scanErr := scan(sc.real, string(data))
	if !isNetwork(segs, string(data), scanErr) {
		return false, nil
	}
	if err := checkInside(confdir, sc); err != nil {
		return false, err
	}
	if scanErr != nil {
		return false, scanErr
	}
	tree, err := parseTree(sc.real, segs)
	if err != nil {
		return false, err
	}
	e := &evaluator{guest: st.guest, phase: sc.phase, file: sc.real, exps: exps, vars: map[string]value{}, funcs: map[string]*node{}, net: st}
	if err := e.runAll(tree.kids); err != nil {
		return false, err
	}
	if sc.real != sc.path {
		st.notes = appendNew(st.notes, fmt.Sprintf("%s is a symbolic link to %s; only the link is moved into the backup, its target stays", sc.path, sc.real))
	}
	return true, nil
}

// isNetwork reports whether a scriptlet has ip commands or touches
// VSPACE_SHARED_CMD: in its commands (comments left out), or anywhere in
// its text when it could not be scanned.
func isNetwork(segs []segment, text string, scanErr error) bool {
	if scanErr != nil {
		return networkText().MatchString(text)
	}
	for _, s := range segs {
		if networkText().MatchString(s.raw) {
			return true
		}
	}
	return false
}

// checkInside refuses a network scriptlet that is a symbolic link leading
// out of the confdir: what it runs is not the guest's configuration.
func checkInside(confdir string, sc scriptlet) error {
	if sc.real == sc.path {
		return nil
	}
	root, err := filepath.EvalSymlinks(confdir)
	if err != nil {
		return refuse(confdir, 0, "cannot be resolved: %v", unwrapPath(err))
	}
	if !strings.HasPrefix(sc.real, strings.TrimSuffix(root, "/")+"/") {
		return refuse(sc.path, 0, "is a symbolic link to %s, outside the confdir; adopt does not read or move files outside the confdir: copy it into the guest's scripts/ instead", sc.real)
	}
	return nil
}

// setID takes the guest's context as namespace id when X is not the
// guest's own name (the historical MAC scheme used the context).
func setID(p *Proposal, confdir string) error {
	if p.NS == p.Guest {
		return nil
	}
	file := filepath.Join(confdir, p.Guest, config.GuestContext)
	s, ok, err := readValue(file)
	if err != nil || !ok {
		return err
	}
	n, err := parseID(s)
	if err != nil {
		return refuse(file, 0, "%v; namespace %s takes its id from it", err, p.NS)
	}
	p.ID, p.HasID, p.IDFrom = n, true, file
	return nil
}

// parseID parses a context id as the namespace id: decimal 0–65535.
func parseID(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > config.MaxID || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("%q is not a context id 0–%d", s, config.MaxID)
	}
	return n, nil
}
