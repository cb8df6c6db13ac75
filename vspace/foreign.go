// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace/scriptlets"
)

// ForeignFinding is one line of a scriptlet, not written by vserverx, that
// manages network namespaces itself: vserverx does that for a managed
// guest, so such a line manages the guest's namespace a second time.
type ForeignFinding struct {
	File   string // the scriptlet, as util-vserver finds it
	Line   int    // 1-based line number (the first line of a continued command)
	Text   string // the command as written, trimmed
	Reason string // what the line does, e.g. "ip netns add"
}

// Problem turns the finding into a problem of the guest whose namespace is
// x, naming the file and the line.
func (f ForeignFinding) Problem(x string) config.Problem {
	return config.Problem{File: f.File, Msg: fmt.Sprintf(
		"line %d: %q (%s) manages namespace %s twice: vserverx already creates, configures and removes it and rewrites "+
			"VSPACE_SHARED_CMD for this guest; remove the line (or the scriptlet)", f.Line, f.Text, f.Reason, x)}
}

// ForeignScriptlets reads every scriptlet util-vserver runs for the guest
// in guestDir (scriptlets.Files: its own scripts/, then
// CONFDIR/.defaults/scripts where util-vserver runs those too), except the
// ones vserverx wrote (HasMarker), and returns the commands that manage
// network namespaces (scriptlets.Class.ManagesNamespace), also those that
// run only under a condition. A scriptlet that cannot be read is a
// Problem naming it; one that cannot be read as shell a warning.
func ForeignScriptlets(guestDir, confdir string) ([]ForeignFinding, config.Problems) {
	files, err := scriptlets.Files(confdir, guestDir)
	if err != nil {
		return nil, config.Problems{listProblem(err)}
	}
	var found []ForeignFinding
	var ps config.Problems
	for _, f := range files {
		content, err := os.ReadFile(f.Real)
		switch {
		case err != nil:
			ps = append(ps, config.Problem{File: f.Path, Msg: fmt.Sprintf("cannot read it: %v", err)})
			continue
		case HasMarker(content) || !scriptlets.IsShell(f, content):
			continue
		}
		more, err := ScanScriptlet(f.Path, f.Phase, filepath.Base(guestDir), content)
		if err != nil {
			ps = append(ps, config.Problem{File: f.Path, Severity: config.SeverityWarning, Msg: fmt.Sprintf(
				"cannot be read as a shell script (%v), so vserverx cannot tell whether it manages network namespaces", err)})
		}
		found = append(found, more...)
	}
	return found, ps
}

// ScanScriptlet returns the commands of a shell scriptlet, run by
// util-vserver for phase and guest, that manage network namespaces:
// `ip netns add` or `ip netns delete` (any abbreviation iproute2 accepts;
// the program may be ip, a path to it, util-vserver's $_IP or the wiki's
// $_HIP), `ip link ... netns ...`, `ip netns exec X nft -f FILE`, and
// assigning, appending to or unsetting VSPACE_SHARED_CMD. A command
// continued with a trailing backslash is reported at its first line. A
// scriptlet that is not shell is a *scriptlets.Error.
func ScanScriptlet(file, phase, guest string, content []byte) ([]ForeignFinding, error) {
	script, err := scriptlets.Parse(file, content)
	if err != nil {
		var se *scriptlets.Error
		if errors.As(err, &se) {
			return nil, fmt.Errorf("line %d: %s", se.Line, se.Msg)
		}
		return nil, err
	}
	var found []ForeignFinding
	err = script.Walk(phase, guest, func(c *scriptlets.Command) error {
		if c.Class.ManagesNamespace() {
			found = append(found, ForeignFinding{File: file, Line: c.Line, Text: strings.Join(strings.Fields(c.Raw), " "), Reason: c.Class.String()})
		}
		return nil
	})
	return found, err
}

// listProblem is the Problem of a scripts directory that cannot be listed.
func listProblem(err error) config.Problem {
	var se *scriptlets.Error
	if errors.As(err, &se) {
		return config.Problem{File: se.File, Msg: se.Msg}
	}
	return config.Problem{Msg: err.Error()}
}
