// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace"
)

// verify applies the plan to a scratch copy of the confdir and checks the
// result as `vserverx NAME check` and start would: the guest must be
// managed, in namespace X, without configuration problems, with what setup
// installs in place, util-vserver's interfaces/ must fit X, and no
// scriptlet left (the host-wide ones in .defaults/scripts too) may manage
// the namespace a second time. Warnings become notes.
func (p *Plan) verify(paths config.Paths) error {
	scratch, err := os.MkdirTemp("", "vserverx-adopt-")
	if err != nil {
		return fmt.Errorf("cannot try the adoption on a copy of the confdir: %w", err)
	}
	defer os.RemoveAll(scratch)
	root := filepath.Join(scratch, "confdir")
	if err := copyTree(p.ConfDir, root, skipBackups); err != nil {
		return fmt.Errorf("cannot try the adoption on a copy of the confdir: %w", err)
	}
	if err := p.applier(root).run(p.Steps, nil); err != nil {
		return fmt.Errorf("cannot adopt: tried on a copy of the confdir: %s", p.unscratch(root, err.Error()))
	}
	paths.ConfDir = root
	tree, err := config.Load(paths)
	if err != nil {
		return fmt.Errorf("cannot adopt: tried on a copy of the confdir: %s", p.unscratch(root, err.Error()))
	}
	problems := p.resultProblems(tree, root)
	for _, w := range problems.Warnings() {
		p.Notes = append(p.Notes, p.unscratch(root, w.Error()))
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return fmt.Errorf("cannot adopt guest %s: after the adoption it would have %d problem(s):\n%s",
			p.Guest, len(errs), p.unscratch(root, errs.Error()))
	}
	return nil
}

// skipBackups leaves earlier adoptions' backups out of the scratch copy.
func skipBackups(_ string, d fs.DirEntry) bool {
	return d.IsDir() && d.Name() == BackupDirName
}

// unscratch names the real confdir in a message about the scratch copy.
func (p *Plan) unscratch(root, msg string) string {
	return strings.ReplaceAll(msg, root, p.ConfDir)
}

// resultProblems checks the adopted guest in the tree of the scratch copy
// root.
func (p *Plan) resultProblems(tree *config.Tree, root string) config.Problems {
	problems := tree.Check(p.Guest)
	g, err := tree.Guest(p.Guest)
	if err != nil {
		return append(problems, config.Problem{File: filepath.Join(root, p.Guest), Msg: err.Error()})
	}
	grp := tree.GroupOf(g)
	if grp == nil {
		return append(problems, config.Problem{File: filepath.Join(root, config.NetnsDirName, p.NS), Msg: fmt.Sprintf(
			"namespace %s would have no definition, so vserverx would not manage guest %s; adopt the guest that defines %s first, "+
				"or create the directory %s", p.NS, p.Guest, p.NS, filepath.Join(p.ConfDir, config.NetnsDirName, p.NS))})
	}
	problems = append(problems, config.CheckClassic(g, grp.NS, grp.Members)...)
	found, unreadable := vspace.ForeignScriptlets(g.Dir, root)
	problems = append(problems, unreadable...)
	for _, f := range found {
		problems = append(problems, f.Problem(grp.NS.Name))
	}
	s := p.setup
	s.ConfDir = root
	return append(problems, s.Check(g, grp.NS.Name)...)
}
