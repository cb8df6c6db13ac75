// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/vserverx/vserverx/config"
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

// dontSkipDefaults matches a line of a sourced scriptlet that sets
// DONT_SKIP_DEFAULTS to something not empty in the scope of util-vserver's
// execScriptlets (a plain or exported assignment; "local" would not reach
// it). It is a heuristic: bash that sets it some other way is not seen.
// Like the package's other patterns it is compiled on first use, not at
// the start of every vserverx command.
var dontSkipDefaults = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?DONT_SKIP_DEFAULTS=(?:[^\s;&|#'"]|'[^']|"[^"])`)
})

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
	files, ps := initializeScriptlets(filepath.Join(s.guestDir(g), "scripts"))
	for _, f := range files {
		content, mode, _, err := readIfExists(f)
		if err != nil {
			return append(ps, config.Problem{File: f, Msg: fmt.Sprintf("cannot read it: %v", err)})
		}
		if mode&0o111 == 0 && dontSkipDefaults().Match(content) {
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
// the initialize phase from one scripts directory: initialize and
// initialize.d/*, regular files (links followed), without the backup names
// util-vserver ignores.
func initializeScriptlets(scripts string) ([]string, config.Problems) {
	candidates := []string{filepath.Join(scripts, "initialize")}
	dir := filepath.Join(scripts, "initialize.d")
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, config.Problems{{File: dir, Msg: fmt.Sprintf("cannot list it: %v", err)}}
	}
	for _, e := range entries {
		candidates = append(candidates, filepath.Join(dir, e.Name()))
	}
	var files []string
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && !ignoredScriptlet(filepath.Base(c)) {
			files = append(files, c)
		}
	}
	return files, nil
}

// ignoredScriptlet reports the backup file names util-vserver's
// isRegularFile skips: *.rpmsave, *.rpmnew, *.rpmorig, *.cfsaved*, *.~*~.
func ignoredScriptlet(name string) bool {
	for _, suffix := range []string{".rpmsave", ".rpmnew", ".rpmorig"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	if strings.Contains(name, ".cfsaved") {
		return true
	}
	i := strings.Index(name, ".~")
	return i >= 0 && strings.HasSuffix(name[i+2:], "~")
}
