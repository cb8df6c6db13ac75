// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package scriptlets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Phases are the phases util-vserver runs scriptlets for, in order: start,
// then stop. prepre-stop is listed although util-vserver 0.30.x does not
// run it: a file of that name is still somebody's attempt to hook into
// stop.
var Phases = []string{"initialize", "prepre-start", "pre-start", "post-start",
	"prepre-stop", "pre-stop", "post-stop", "postpost-stop"}

// OwnName is the file name of vserverx's own guest scriptlets in
// scripts/prepre-start.d/ and scripts/postpost-stop.d/ (what `setup`
// installs): readers of a guest's scriptlets tell them from the
// administrator's by it.
const OwnName = "vserverx"

// File is one file util-vserver runs for a guest in one phase.
type File struct {
	Path     string // as util-vserver finds it: scripts/PHASE or scripts/PHASE.d/ENTRY (maybe a symbolic link, or in one)
	Real     string // the file it leads to, every symbolic link followed
	Phase    string
	Defaults bool // from CONFDIR/.defaults/scripts
	Sourced  bool // not executable: util-vserver's bash sources it with $1=PHASE $2=NAME; else it runs it with those arguments
}

// Files lists, for every phase in order, the files util-vserver's
// execScriptlets runs for the guest in guestDir: guestDir/scripts/PHASE,
// then guestDir/scripts/PHASE.d/* (names not starting with a dot, in byte
// order), then the same in CONFDIR/.defaults/scripts — the defaults only
// when the guest has none for the phase or one of its sourced ones sets
// DONT_SKIP_DEFAULTS. Only readable regular files count (symbolic links
// followed), without the backup names util-vserver skips (IgnoredName).
// A PHASE.d that exists but cannot be listed as a directory is an *Error
// naming it.
func Files(confdir, guestDir string) ([]File, error) {
	var out []File
	for _, phase := range Phases {
		files, err := PhaseFiles(confdir, guestDir, phase)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// PhaseFiles is Files for one phase.
func PhaseFiles(confdir, guestDir, phase string) ([]File, error) {
	own, err := GuestFiles(guestDir, phase)
	if err != nil || len(own) > 0 && !anySetsDontSkip(own) {
		return own, err
	}
	dflt, err := baseFiles(filepath.Join(confdir, ".defaults", "scripts"), phase, true)
	return append(own, dflt...), err
}

// GuestFiles lists the files of the guest's own scripts directory that
// util-vserver runs for phase (the first part of PhaseFiles).
func GuestFiles(guestDir, phase string) ([]File, error) {
	return baseFiles(filepath.Join(guestDir, "scripts"), phase, false)
}

// baseFiles lists the files of one scripts directory for phase.
func baseFiles(base, phase string, defaults bool) ([]File, error) {
	candidates := []string{filepath.Join(base, phase)}
	dir := filepath.Join(base, phase+".d")
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{File: dir, Msg: fmt.Sprintf("cannot list it: %v", unwrapPath(err))}
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		candidates = append(candidates, filepath.Join(dir, n))
	}
	var out []File
	for _, c := range candidates {
		if f, ok := runnable(c); ok {
			f.Phase, f.Defaults = phase, defaults
			out = append(out, f)
		}
	}
	return out, nil
}

// runnable returns the File for path when util-vserver runs it: a
// readable regular file (links followed) without an ignored name.
func runnable(path string) (File, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || IgnoredName(filepath.Base(path)) {
		return File{}, false
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return File{}, false
	}
	fd, err := os.Open(real)
	if err != nil {
		return File{}, false
	}
	fd.Close()
	return File{Path: path, Real: real, Sourced: fi.Mode()&0o111 == 0}, true
}

// IgnoredName reports the backup file names util-vserver's isRegularFile
// skips: *.rpmsave, *.rpmnew, *.rpmorig, *.cfsaved*, *.~*~.
func IgnoredName(name string) bool {
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

// dontSkipDefaults matches a line of a sourced scriptlet that sets
// DONT_SKIP_DEFAULTS to something not empty in the scope of util-vserver's
// execScriptlets (a plain or exported assignment; "local" would not reach
// it). It is a heuristic: bash that sets it some other way is not seen.
var dontSkipDefaults = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?DONT_SKIP_DEFAULTS=(?:[^\s;&|#'"]|'[^']|"[^"])`)
})

// SetsDontSkipDefaults reports whether the content of a sourced scriptlet
// sets DONT_SKIP_DEFAULTS, so that util-vserver runs the phase's
// .defaults/scripts as well.
func SetsDontSkipDefaults(content []byte) bool { return dontSkipDefaults().Match(content) }

// anySetsDontSkip reports whether a sourced file of files sets
// DONT_SKIP_DEFAULTS.
func anySetsDontSkip(files []File) bool {
	for _, f := range files {
		if !f.Sourced {
			continue
		}
		if content, err := os.ReadFile(f.Real); err == nil && SetsDontSkipDefaults(content) {
			return true
		}
	}
	return false
}

// shellInterpreters are the interpreters whose scripts are read as shell.
var shellInterpreters = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "ksh": true, "zsh": true}

// IsShell reports whether f, holding content, is shell: sourced (bash
// reads it), or executable without a #! line or with one naming a shell.
func IsShell(f File, content []byte) bool {
	first, _, _ := strings.Cut(string(content[:min(len(content), 256)]), "\n")
	if f.Sourced || !strings.HasPrefix(first, "#!") {
		return true
	}
	words := strings.Fields(strings.TrimPrefix(first, "#!"))
	if len(words) > 1 && filepath.Base(words[0]) == "env" {
		words = words[1:]
	}
	return len(words) > 0 && shellInterpreters[filepath.Base(words[0])]
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
