// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace/scriptlets"
)

// Names of the files setup writes.
const (
	// ScriptletName is the file name of the guest scriptlets in
	// scripts/prepre-start.d/ and scripts/postpost-stop.d/.
	ScriptletName = scriptlets.OwnName
	// HostScriptletName is the file name of the host-wide scriptlet in
	// CONFDIR/.defaults/scripts/initialize.d/.
	HostScriptletName = "vserverx-rslave"
	// CleanupSkipName is util-vserver's list of paths its namespace cleanup
	// must not unmount, in the guest's confdir and in .defaults.
	CleanupSkipName = "namespace-cleanup-skip"
)

// scriptletPerm is the mode of every scriptlet: readable and not
// executable, so that util-vserver sources it.
const scriptletPerm fs.FileMode = 0o644

// Setup installs and checks what util-vserver needs for a vserverx-managed
// guest: the two guest scriptlets, the namespace-cleanup-skip entry and the
// host-wide initialize scriptlet.
type Setup struct {
	ConfDir  string // util-vserver's confdir, e.g. /etc/vservers
	NetnsDir string // where named namespaces live, e.g. /run/netns
	Opt      ScriptletOptions
}

// Action is one change to a file: what was done by Install, or would be
// done, by Plan.
type Action struct{ Path, What string }

func (a Action) String() string { return a.Path + ": " + a.What }

// change is an Action with what it writes.
type change struct {
	Action
	real    string // resolved path that is written
	content []byte
	perm    fs.FileMode
}

// prepreStartPath returns CONFDIR/G/scripts/prepre-start.d/vserverx.
func (s Setup) prepreStartPath(g *config.Guest) string {
	return filepath.Join(s.guestDir(g), "scripts", "prepre-start.d", ScriptletName)
}

// hostScriptletPath returns CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave.
func (s Setup) hostScriptletPath() string {
	return filepath.Join(s.ConfDir, ".defaults", "scripts", "initialize.d", HostScriptletName)
}

// guestDir returns g.Dir, or CONFDIR/NAME when it is not set.
func (s Setup) guestDir(g *config.Guest) string {
	if g.Dir != "" {
		return g.Dir
	}
	return filepath.Join(s.ConfDir, g.Name)
}

// validate checks the values Install and Check rely on.
func (s Setup) validate(g *config.Guest, x string) error {
	switch {
	case g == nil || g.Name == "":
		return errors.New("vspace setup: no guest given")
	case s.ConfDir == "":
		return fmt.Errorf("guest %s: no confdir given", g.Name)
	case !filepath.IsAbs(s.NetnsDir):
		return fmt.Errorf("guest %s: the namespace directory %q is not an absolute path", g.Name, s.NetnsDir)
	case !filepath.IsAbs(s.Opt.Vserverx):
		return fmt.Errorf("guest %s: the path of vserverx %q for the scriptlets is not absolute", g.Name, s.Opt.Vserverx)
	case x == "" || x == "." || x == ".." || strings.ContainsAny(x, "/\x00\n"):
		return fmt.Errorf("guest %s: namespace name %q cannot be a file name in %s", g.Name, x, s.NetnsDir)
	}
	return nil
}

// Plan returns what Install would change for guest g in namespace x,
// changing nothing. It fails where Install would fail before writing.
func (s Setup) Plan(g *config.Guest, x string) ([]Action, error) {
	cs, err := s.changes(g, x)
	if err != nil {
		return nil, err
	}
	actions := make([]Action, len(cs))
	for i, c := range cs {
		actions[i] = c.Action
	}
	return actions, nil
}

// Install writes what util-vserver needs to start guest g in vserverx's
// namespace x and returns what it changed:
//
//   - CONFDIR/G/scripts/prepre-start.d/vserverx and
//     CONFDIR/G/scripts/postpost-stop.d/vserverx (PrepreStartScriptlet,
//     PostpostStopScriptlet), mode 0644, rewritten when they differ;
//   - the line NETNS_DIR/X in CONFDIR/G/namespace-cleanup-skip, added with
//     every other line kept, unless a line is exactly that path (one with
//     blanks or a carriage return around it does not count: util-vserver
//     keeps them as part of the path); a new file also gets the entries of
//     CONFDIR/.defaults/namespace-cleanup-skip, which util-vserver stops
//     reading for a guest that has its own;
//   - CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave
//     (HostRslaveScriptlet) when it is missing or is an older vserverx
//     version; a file there without vserverx's marker is the
//     administrator's and is left alone.
//
// Every file is replaced atomically (temporary file and rename), missing
// directories are created. Install is idempotent: when everything is in
// place it writes nothing and returns no actions. Before it writes
// anything it checks every path; it refuses, naming the path, to write
// through a symbolic link that leads out of the confdir (ErrOutsideConfDir).
// When a write fails, the files written before it stay (each is complete)
// and the actions done so far are returned with the error.
func (s Setup) Install(g *config.Guest, x string) ([]Action, error) {
	cs, err := s.changes(g, x)
	if err != nil {
		return nil, err
	}
	var done []Action
	for _, c := range cs {
		if err := WriteAtomic(c.real, c.content, c.perm); err != nil {
			return done, err
		}
		done = append(done, c.Action)
	}
	return done, nil
}

// changes computes every file change Install makes, checking all paths.
func (s Setup) changes(g *config.Guest, x string) ([]change, error) {
	if err := s.validate(g, x); err != nil {
		return nil, err
	}
	realConf, err := filepath.EvalSymlinks(s.ConfDir)
	if err != nil {
		return nil, fmt.Errorf("confdir %s: %w", s.ConfDir, err)
	}
	var cs []change
	for _, f := range s.managedFiles(g, x) {
		c, err := planFile(realConf, f)
		if err != nil {
			return nil, err
		}
		if c != nil {
			cs = append(cs, *c)
		}
	}
	return cs, nil
}

// newChange builds a change, noting in What when symbolic links lead to
// another file.
func newChange(path, real, what string, content []byte, perm fs.FileMode) *change {
	if real != filepath.Clean(path) {
		what += " (through symbolic links: " + real + ")"
	}
	return &change{Action: Action{Path: path, What: what}, real: real, content: content, perm: perm}
}
