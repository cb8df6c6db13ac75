// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"path/filepath"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace/scriptlets"
)

// Check reports, changing nothing, every way guest g's files differ from
// what Install writes for namespace x: a missing, outdated or executable
// scriptlet (the two guest scriptlets, and the host-wide one when it is
// missing or an older vserverx version), a namespace-cleanup-skip without
// a line that is exactly NETNS_DIR/X (as for Install, blanks or a carriage
// return around it make another path), a path Install would refuse to
// write — each Problem
// names the file and says "run vserverx G setup". It also reports lines of
// namespace-cleanup-skip that do not start with "/" (such as comments):
// util-vserver reads every line as a path and its namespace cleanup loops
// forever on one without a leading "/".
func (s Setup) Check(g *config.Guest, x string) config.Problems {
	if err := s.validate(g, x); err != nil {
		return config.Problems{{Msg: err.Error()}}
	}
	realConf, err := filepath.EvalSymlinks(s.ConfDir)
	if err != nil {
		return config.Problems{{File: s.ConfDir, Msg: fmt.Sprintf("cannot read the confdir: %v", err)}}
	}
	fix := "run vserverx " + g.Name + " setup"
	var ps config.Problems
	for _, f := range s.managedFiles(g, x) {
		ps = append(ps, checkFile(realConf, f, fix)...)
	}
	return ps
}

// Bypassing returns a Problem for each initialize scriptlet of the given
// guests that makes util-vserver skip the host-wide
// .defaults/scripts/initialize.d/vserverx-rslave for that guest.
//
// util-vserver's execScriptlets runs scripts/initialize and
// scripts/initialize.d/* of the guest, then those of .defaults/scripts —
// but only when the guest has none, or when a sourced (non-executable)
// guest scriptlet set DONT_SKIP_DEFAULTS. A guest whose own
// prepre-start.d/vserverx is installed is not reported: that scriptlet
// protects the host's mounts itself.
func (s Setup) Bypassing(guests []*config.Guest) config.Problems {
	var ps config.Problems
	for _, g := range guests {
		ps = append(ps, s.bypassing(g)...)
	}
	return ps
}

// bypassing checks one guest for Bypassing.
func (s Setup) bypassing(g *config.Guest) config.Problems {
	if own, _, _, _ := readIfExists(s.prepreStartPath(g)); HasMarker(own) {
		return nil
	}
	files, ps := initializeScriptlets(s.guestDir(g))
	for _, f := range files {
		content, mode, _, err := readIfExists(f)
		if err != nil {
			return append(ps, config.Problem{File: f, Msg: fmt.Sprintf("cannot read it: %v", err)})
		}
		if mode&0o111 == 0 && scriptlets.SetsDontSkipDefaults(content) {
			return ps
		}
	}
	for _, f := range files {
		ps = append(ps, config.Problem{File: f, Msg: "guest " + g.Name + " has initialize scriptlets of its own and none sets " +
			"DONT_SKIP_DEFAULTS=1, so util-vserver skips " + s.hostScriptletPath() + " for it and starting it can " +
			"unmount host mounts such as " + s.NetnsDir + "/*; set DONT_SKIP_DEFAULTS=1 in a non-executable (sourced) " +
			"initialize scriptlet of the guest"})
	}
	return ps
}

// initializeScriptlets lists what util-vserver's execScriptlets runs for
// the initialize phase from the guest's own scripts directory.
func initializeScriptlets(guestDir string) ([]string, config.Problems) {
	own, err := scriptlets.GuestFiles(guestDir, "initialize")
	if err != nil {
		return nil, config.Problems{listProblem(err)}
	}
	files := make([]string, 0, len(own))
	for _, f := range own {
		files = append(files, f.Path)
	}
	return files, nil
}
