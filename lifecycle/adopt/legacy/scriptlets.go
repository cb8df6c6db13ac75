// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace/scriptlets"
)

// ReadScriptlets reads the namespace scriptlets of guest name: the files
// util-vserver runs from CONFDIR/NAME/scripts for every phase, in the
// order it runs them (scriptlets.GuestFiles). A scriptlet with no ip
// command and no VSPACE_SHARED_CMD is no network scriptlet and is left
// alone; every other must be understood command by command, or a
// *RefuseError names the file and line. Without any network scriptlet the
// error wraps ErrNone.
func ReadScriptlets(confdir, name string) (*Proposal, error) {
	files, err := guestScriptlets(confdir, name)
	if err != nil {
		return nil, err
	}
	r := &reader{net: newNetState(name)}
	var sources []string
	for _, f := range files {
		used, err := r.file(confdir, f)
		if err != nil {
			return nil, err
		}
		if used && !hasPath(sources, f.Path) {
			sources = append(sources, f.Path)
		}
	}
	st := r.net
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

func hasPath(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// guestScriptlets lists the guest's own scriptlets for every phase, in
// the order util-vserver runs them, without vserverx's own
// (PHASE.d/vserverx).
func guestScriptlets(confdir, name string) ([]scriptlets.File, error) {
	var out []scriptlets.File
	for _, phase := range scriptlets.Phases {
		files, err := scriptlets.GuestFiles(filepath.Join(confdir, name), phase)
		if err != nil {
			return nil, refuse(filepath.Join(confdir, name, "scripts"), 0, "%v", err)
		}
		for _, f := range files {
			if !(filepath.Base(f.Path) == scriptlets.OwnName && strings.HasSuffix(filepath.Dir(f.Path), ".d")) {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// reader reads the commands of a guest's network scriptlets into one
// netState: a device may be created in one file and configured in the
// next.
type reader struct {
	net *netState
}

// file reads one scriptlet for its phase; used says whether it is a
// network scriptlet (to be moved into the backup).
func (r *reader) file(confdir string, f scriptlets.File) (used bool, err error) {
	data, err := os.ReadFile(f.Real)
	if err != nil {
		return false, refuse(f.Real, 0, "cannot be read: %v", unwrapPath(err))
	}
	if !scriptlets.IsShell(f, data) {
		return false, nil
	}
	cmds, err := commands(f, data, r.net.guest)
	if err != nil || !isNetwork(cmds) {
		return false, err
	}
	if err := checkInside(confdir, f); err != nil {
		return false, err
	}
	for _, c := range cmds {
		if err := r.command(f, c); err != nil {
			return false, err
		}
	}
	if f.Real != f.Path {
		r.net.note(fmt.Sprintf("%s is a symbolic link to %s; only the link is moved into the backup, its target stays", f.Path, f.Real))
	}
	return true, nil
}

// commands parses a scriptlet and returns its commands as util-vserver
// reaches them for the file's phase.
func commands(f scriptlets.File, data []byte, guest string) ([]*scriptlets.Command, error) {
	script, err := scriptlets.Parse(f.Real, data)
	var se *scriptlets.Error
	if errors.As(err, &se) {
		return nil, refuse(se.File, se.Line, "cannot be read as shell: %s; adopt reads every scriptlet of the guest to find the network ones", se.Msg)
	}
	if err != nil {
		return nil, err
	}
	var cmds []*scriptlets.Command
	err = script.Walk(f.Phase, guest, func(c *scriptlets.Command) error {
		cmds = append(cmds, c)
		return nil
	})
	return cmds, err
}

// isNetwork reports whether a scriptlet has ip commands or touches
// VSPACE_SHARED_CMD.
func isNetwork(cmds []*scriptlets.Command) bool {
	for _, c := range cmds {
		if c.Class != scriptlets.Shell && c.Class != scriptlets.Other {
			return true
		}
	}
	return false
}

// command reads one command of a network scriptlet. Lines that touch
// VSPACE_SHARED_CMD are skipped (vserverx rewrites it itself), and so are
// tests in conditions; a command that may not run for the phase is
// refused: adopt does not guess.
func (r *reader) command(f scriptlets.File, c *scriptlets.Command) error {
	switch {
	case c.Class == scriptlets.VspaceWrite || c.Class == scriptlets.VspaceRead:
		return nil
	case c.InCondition && (c.Class == scriptlets.Shell || c.Class == scriptlets.Other):
		return nil // it only decides; what it decides is refused where it matters
	case c.HereDoc:
		return refuse(c.File, c.Line, "here documents are not understood")
	case c.Cond != "" && c.Class != scriptlets.Shell:
		return refuse(c.File, c.Line, "%q may not run when util-vserver runs the file for %s: it is %s; adopt takes over only what a scriptlet always does "+
			"for its phase: make the line unconditional or remove it, then adopt again", c.Raw, f.Phase, c.Cond)
	case c.Class == scriptlets.Shell:
		return r.shell(c)
	}
	prog := c.Words[0]
	switch {
	case prog.Why != "":
		return refuse(c.File, c.Line, "%s", prog.Why)
	case prog.Computed || !scriptlets.IsIP(prog.S):
		return refuse(c.File, c.Line, "command %q is not understood; only ip commands and shell structure are", prog.Text)
	}
	return r.ip(c, c.Words[1:], "") // also ip netns exec X nft -f FILE (NftInNamespace)
}

// shell checks a shell command that always runs: an exit with an error
// code is not understood (the start would fail).
func (r *reader) shell(c *scriptlets.Command) error {
	if c.Cond == "" && len(c.Words) > 1 && c.Words[0].S == "exit" && c.Words[1].S != "0" {
		return refuse(c.File, c.Line, "%q ends the scriptlet with an error whenever it is reached; not understood", c.Raw)
	}
	return nil
}

func at(c *scriptlets.Command) string { return c.File + ":" + strconv.Itoa(c.Line) }

// checkInside refuses a network scriptlet that is a symbolic link leading
// out of the confdir: what it runs is not the guest's configuration.
func checkInside(confdir string, f scriptlets.File) error {
	if f.Real == f.Path {
		return nil
	}
	root, err := filepath.EvalSymlinks(confdir)
	if err != nil {
		return refuse(confdir, 0, "cannot be resolved: %v", unwrapPath(err))
	}
	if !strings.HasPrefix(f.Real, strings.TrimSuffix(root, "/")+"/") {
		return refuse(f.Path, 0, "is a symbolic link to %s, outside the confdir; adopt does not read or move files outside the confdir: copy it into the guest's scripts/ instead", f.Real)
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
