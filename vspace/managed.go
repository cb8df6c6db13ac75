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
)

// managedFile is one file setup manages for a guest. Check reports how
// the file differs from what it should be and Install (and Plan) makes it
// so; both ask the same methods, so they cannot disagree.
type managedFile interface {
	// path is the file as configured, e.g. CONFDIR/G/namespace-cleanup-skip.
	path() string
	// cannotRead is Check's message for a file that cannot be read.
	cannotRead(err error) string
	// problems says, each message ending in fix, what is wrong with d.
	problems(d onDisk, fix string) config.Problems
	// change returns what Install writes over d, or nil when d is right.
	change(d onDisk) (*change, error)
}

// managedFiles describes every file setup manages for guest g in
// namespace x, in the order Check reports and Install writes them.
func (s Setup) managedFiles(g *config.Guest, x string) []managedFile {
	return []managedFile{
		ownedFile{
			Path: s.prepreStartPath(g), Name: "prepre-start scriptlet",
			Content: PrepreStartScriptlet(s.Opt), Mode: scriptletPerm,
		},
		ownedFile{
			Path: filepath.Join(s.guestDir(g), "scripts", "postpost-stop.d", ScriptletName), Name: "postpost-stop scriptlet",
			Content: PostpostStopScriptlet(s.Opt), Mode: scriptletPerm,
		},
		cleanupSkip{
			Path:     filepath.Join(s.guestDir(g), CleanupSkipName),
			Entry:    filepath.Join(s.NetnsDir, x),
			Defaults: filepath.Join(s.ConfDir, ".defaults", CleanupSkipName),
		},
		ownedFile{
			Path: s.hostScriptletPath(), Name: "host-wide initialize scriptlet",
			Content: HostRslaveScriptlet(), Mode: scriptletPerm, Shared: true,
		},
	}
}

// onDisk is what the path of a managed file holds now.
type onDisk struct {
	real    string      // the path with every symbolic link followed, inside the confdir
	content []byte      // nil when the file does not exist
	mode    fs.FileMode // permission bits
	exists  bool
}

// readError is the error of look for a file that exists (or seems to)
// but cannot be read.
type readError struct {
	path string // as configured
	err  error
}

func (e *readError) Error() string { return "reading " + e.path + ": " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// look resolves path inside the real confdir and reads what is there. It
// fails with resolveInside's error for a path that leads out of the
// confdir, and with a *readError for a file it cannot read.
func look(realConf, path string) (onDisk, error) {
	real, err := resolveInside(realConf, path)
	if err != nil {
		return onDisk{}, err
	}
	content, mode, exists, err := readIfExists(real)
	if err != nil {
		return onDisk{}, &readError{path: path, err: err}
	}
	return onDisk{real: real, content: content, mode: mode, exists: exists}, nil
}

// checkFile is Check for one managed file.
func checkFile(realConf string, f managedFile, fix string) config.Problems {
	d, err := look(realConf, f.path())
	var re *readError
	switch {
	case errors.As(err, &re):
		return config.Problems{{File: f.path(), Msg: f.cannotRead(re.err)}}
	case err != nil:
		return config.Problems{{File: f.path(), Msg: err.Error()}}
	}
	return f.problems(d, fix)
}

// planFile is Install's change for one managed file (nil: none).
func planFile(realConf string, f managedFile) (*change, error) {
	d, err := look(realConf, f.path())
	if err != nil {
		return nil, err
	}
	return f.change(d)
}

// ownedFile is a file vserverx writes whole: a scriptlet.
type ownedFile struct {
	Path    string      // as configured
	Name    string      // in messages: "prepre-start scriptlet"
	Content string      // what it must hold
	Mode    fs.FileMode // what it is written with; never executable
	// Shared marks the host-wide file: one there without vserverx's
	// marker is the administrator's and is left alone.
	Shared bool
}

// ownedState is how an owned file on disk stands against what it must be.
type ownedState int

const (
	ownedRight      ownedState = iota // content as wanted, not executable
	ownedMissing                      // no such file
	ownedDiffers                      // other content (outdated or edited)
	ownedExecutable                   // content as wanted, but executable: util-vserver would run it, not source it
	ownedForeign                      // a Shared file without vserverx's marker: the administrator's
)

// state decides how d stands against f; Check and Install both act on it.
func (f ownedFile) state(d onDisk) ownedState {
	switch {
	case !d.exists:
		return ownedMissing
	case string(d.content) != f.Content && f.Shared && !HasMarker(d.content):
		return ownedForeign
	case string(d.content) != f.Content:
		return ownedDiffers
	case d.mode&0o111 != 0:
		return ownedExecutable
	}
	return ownedRight
}

func (f ownedFile) path() string { return f.Path }

func (f ownedFile) cannotRead(err error) string {
	return fmt.Sprintf("cannot read the %s: %v", f.Name, err)
}

func (f ownedFile) problems(d onDisk, fix string) config.Problems {
	var msg string
	switch f.state(d) {
	case ownedMissing:
		msg = "the " + f.Name + " is missing; " + fix
	case ownedDiffers:
		msg = "the " + f.Name + " differs from what this vserverx writes (outdated or edited); " + fix
	case ownedExecutable:
		msg = "the " + f.Name + " is executable, so util-vserver runs it instead of sourcing it; " + fix
	default:
		return nil
	}
	return config.Problems{{File: f.Path, Msg: msg}}
}

func (f ownedFile) change(d onDisk) (*change, error) {
	marker := strings.TrimPrefix(Marker(), "# ")
	var what string
	switch f.state(d) {
	case ownedMissing:
		what = "install the " + f.Name + " (" + marker + ")"
	case ownedDiffers:
		what = "replace the " + f.Name + ", which differs from what this vserverx writes, by " + marker
	case ownedExecutable:
		what = "make the " + f.Name + " non-executable: util-vserver runs executable scriptlets instead of sourcing them"
	default:
		return nil, nil
	}
	return newChange(f.Path, d.real, what, []byte(f.Content), f.Mode), nil
}

// cleanupSkip is the guest's namespace-cleanup-skip, a file vserverx
// shares with the administrator: it must hold the line Entry
// (NETNS_DIR/X); every other line is the administrator's and is kept.
//
// util-vserver (getFileArray with IFS set to a newline, then `test
// "$path" = "$entry"`) compares whole lines with the mount points: blanks
// or a carriage return around a path are part of the entry, so a line
// "/run/netns/X\r" (a DOS line end) or "/run/netns/X " protects nothing.
// listed and nearMiss are the one place that rule lives.
type cleanupSkip struct {
	Path     string // CONFDIR/G/namespace-cleanup-skip
	Entry    string // NETNS_DIR/X
	Defaults string // CONFDIR/.defaults/namespace-cleanup-skip, read by util-vserver only while Path is missing
}

// skipState is how a namespace-cleanup-skip on disk stands against the
// entry it must list.
type skipState int

const (
	skipListed    skipState = iota // a line is exactly the entry
	skipMissing                    // no such file
	skipNotListed                  // the file lacks the entry
)

// state decides how d stands against c; Check and Install both act on it.
func (c cleanupSkip) state(d onDisk) skipState {
	switch {
	case !d.exists:
		return skipMissing
	case !c.listed(d.content):
		return skipNotListed
	}
	return skipListed
}

// listed reports whether a line of content is exactly the entry.
func (c cleanupSkip) listed(content []byte) bool {
	for _, l := range lines(content) {
		if l == c.Entry {
			return true
		}
	}
	return false
}

// nearMiss returns the number (from 1) and text of the first line that is
// the entry only once blanks and carriage returns around it are removed,
// or 0 when there is none.
func (c cleanupSkip) nearMiss(content []byte) (int, string) {
	for i, l := range lines(content) {
		if l != c.Entry && strings.Trim(l, " \t\r") == c.Entry {
			return i + 1, l
		}
	}
	return 0, ""
}

func (c cleanupSkip) path() string { return c.Path }

func (c cleanupSkip) cannotRead(err error) string { return fmt.Sprintf("cannot read it: %v", err) }

// problems reports a missing entry, and every line util-vserver cannot
// handle: one that does not start with "/" (such as a comment), which it
// still reads as a path and on which its namespace cleanup loops forever.
func (c cleanupSkip) problems(d onDisk, fix string) config.Problems {
	var ps config.Problems
	switch c.state(d) {
	case skipMissing:
		ps = append(ps, config.Problem{File: c.Path, Msg: "is missing; it must list " + c.Entry +
			", or util-vserver's namespace cleanup unmounts it in the guest's mount namespace; " + fix})
	case skipNotListed:
		ps = append(ps, config.Problem{File: c.Path, Msg: "does not list " + c.Entry + c.nearMissNote(d.content) +
			", so util-vserver's namespace cleanup unmounts it in the guest's mount namespace; " + fix})
	}
	for i, line := range lines(d.content) {
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "/") {
			ps = append(ps, config.Problem{File: c.Path, Msg: fmt.Sprintf("line %d %q does not start with /: "+
				"util-vserver knows no comments here, reads every line as a path, and its namespace cleanup "+
				"loops forever on one without a leading /; remove the line", i+1, line)})
		}
	}
	return ps
}

// nearMissNote explains, for a file whose line only looks like the entry,
// why that line does not count ("" when there is no such line).
func (c cleanupSkip) nearMissNote(content []byte) string {
	n, line := c.nearMiss(content)
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d %q has blanks or a carriage return around it, which util-vserver keeps as part of the path)", n, line)
}

// change adds the entry as a last line, keeping every line and the mode
// of the file; a missing file is created (see newFile).
func (c cleanupSkip) change(d onDisk) (*change, error) {
	switch c.state(d) {
	case skipMissing:
		return c.newFile(d.real)
	case skipNotListed:
		return newChange(c.Path, d.real, "add "+c.Entry, appendLine(d.content, c.Entry), d.mode), nil
	}
	return nil, nil
}

// newFile returns the change that creates the guest's
// namespace-cleanup-skip: util-vserver reads .defaults/namespace-cleanup-skip
// only for guests without one, so its lines are copied first.
func (c cleanupSkip) newFile(real string) (*change, error) {
	dflt, _, exists, err := readIfExists(c.Defaults)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", c.Defaults, err)
	}
	what := "create it with " + c.Entry
	var content []byte
	if exists {
		for _, line := range lines(dflt) {
			if strings.TrimSpace(line) != "" && line != c.Entry {
				content = appendLine(content, line)
			}
		}
		if len(content) > 0 {
			what += " and the entries of " + c.Defaults + ", which util-vserver no longer reads for this guest once it has its own file"
		}
	}
	return newChange(c.Path, real, what, appendLine(content, c.Entry), 0o644), nil
}
