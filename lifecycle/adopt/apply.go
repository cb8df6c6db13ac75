// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace"
)

// Apply carries out the plan on the confdir, calling report after each
// step. When a step fails, everything done so far is undone in reverse
// order and the backup directory is removed again; the error says whether
// that worked.
func (p *Plan) Apply(report func(Step)) error {
	if p.Empty() {
		return nil
	}
	a := p.applier(p.ConfDir)
	if err := a.run(p.Steps, report); err != nil {
		if uerr := a.rollback(); uerr != nil {
			return fmt.Errorf("adopting guest %s: %w; restoring failed too: %v; what was changed is backed up in %s", p.Guest, err, uerr, p.Backup)
		}
		return fmt.Errorf("adopting guest %s: %w; everything adopt had changed is restored", p.Guest, err)
	}
	return nil
}

// applier applies steps to one confdir (the real one, or a scratch copy),
// journaling how to undo each.
type applier struct {
	root    string // the confdir the steps change
	backup  string // the backup directory inside root
	setup   vspace.Setup
	guest   config.Guest // with Dir inside root
	ns      string
	created []string // the manifest: created paths relative to root
	isNew   map[string]bool
	journal []entry // the undo manifest: what was moved, saved and written
	undo    []func() error
}

// applier returns an applier for the plan on the confdir root.
func (p *Plan) applier(root string) *applier {
	backupRel, _ := filepath.Rel(p.ConfDir, p.Backup)
	s := p.setup
	s.ConfDir = root
	g := *p.guest
	g.Dir = filepath.Join(root, p.Guest)
	return &applier{root: root, backup: filepath.Join(root, backupRel), setup: s, guest: g, ns: p.NS, isNew: map[string]bool{}}
}

// run makes the backup directory and applies the steps in order; the setup
// files are installed together, at the first SetupFile step.
func (a *applier) run(steps []Step, report func(Step)) error {
	if err := a.makeBackupDir(); err != nil {
		return err
	}
	setupDone := false
	for _, s := range steps {
		if s.Kind == SetupFile && !setupDone {
			if err := a.installSetup(steps); err != nil {
				return err
			}
			setupDone = true
		}
		if s.Kind != SetupFile {
			if err := a.step(s); err != nil {
				return err
			}
		}
		if report != nil {
			report(s)
		}
	}
	return nil
}

// rollback runs the undo journal in reverse order.
func (a *applier) rollback() error {
	var errs []error
	for i := len(a.undo) - 1; i >= 0; i-- {
		if err := a.undo[i](); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// makeBackupDir creates the backup directory with an empty manifest. Its
// parent .vserverx-adopt is private (0700: it holds configuration); the
// backup directory and the directories in it get the modes of the
// directories they stand for, so that copying the backup back (cp -a)
// leaves every mode as it was.
func (a *applier) makeBackupDir() error {
	parent := filepath.Dir(a.backup)
	if !exists(parent) {
		if err := os.Mkdir(parent, 0o700); err != nil {
			return fmt.Errorf("creating the backup directory: %w", err)
		}
		a.undo = append(a.undo, func() error { return os.Remove(parent) })
	}
	if err := mkdirLike(a.backup, a.root); err != nil {
		return fmt.Errorf("creating the backup directory: %w", err)
	}
	a.undo = append(a.undo, func() error { return os.RemoveAll(a.backup) })
	return a.writeManifest()
}

// backupParent creates the directories of backup/rel above rel, each with
// the mode of the directory of root it stands for.
func (a *applier) backupParent(rel string) error {
	dir := filepath.Dir(filepath.Clean(rel))
	if dir == "." {
		return nil
	}
	parts := strings.Split(dir, string(filepath.Separator))
	for i := range parts {
		p := filepath.Join(parts[:i+1]...)
		if err := mkdirLike(filepath.Join(a.backup, p), filepath.Join(a.root, p)); err != nil {
			return err
		}
	}
	return nil
}

// mkdirLike creates dir, when missing, with the permission bits of model.
func mkdirLike(dir, model string) error {
	if exists(dir) {
		return nil
	}
	fi, err := os.Stat(model)
	if err != nil {
		return err
	}
	return makeDirLike(dir, fi, os.Mkdir)
}

// writeManifest writes the list of created paths, leaves before their
// directories (reverse byte order puts a/b/c before a/b before a), and
// the undo manifest.
func (a *applier) writeManifest() error {
	created := slices.Clone(a.created)
	sort.Sort(sort.Reverse(sort.StringSlice(created)))
	var b strings.Builder
	for _, c := range created {
		b.WriteString(c + "\n")
	}
	if err := vspace.WriteAtomic(filepath.Join(a.backup, ManifestName), []byte(b.String()), 0o600); err != nil {
		return err
	}
	return vspace.WriteAtomic(filepath.Join(a.backup, UndoName), formatJournal(a.ns, a.journal), 0o600)
}

// wrote records in the undo manifest what adopt left in root/rel.
func (a *applier) wrote(rel string) error {
	sum, err := fileSum(filepath.Join(a.root, rel))
	if err != nil {
		return err
	}
	a.journal = append(a.journal, entry{kind: entryWrote, rel: rel, sum: sum})
	return a.writeManifest()
}

// step applies one step.
func (a *applier) step(s Step) error {
	switch s.Kind {
	case MoveAside:
		return a.moveAside(s.Rel)
	case Create:
		if err := a.create(s.Rel, func(p string) error { return vspace.WriteAtomic(p, s.Content, 0o644) }); err != nil {
			return err
		}
		return a.wrote(s.Rel)
	case CreateDir:
		return a.create(s.Rel, mkdir)
	case Rewrite:
		return a.rewrite(s.Rel, s.Content)
	}
	return fmt.Errorf("unknown step kind %d for %s", s.Kind, s.Rel)
}

// moveAside moves root/rel to backup/rel.
func (a *applier) moveAside(rel string) error {
	from, to := filepath.Join(a.root, rel), filepath.Join(a.backup, rel)
	if err := a.backupParent(rel); err != nil {
		return fmt.Errorf("moving %s aside: %w", from, err)
	}
	if err := move(from, to); err != nil {
		return fmt.Errorf("moving %s aside: %w", from, err)
	}
	a.undo = append(a.undo, func() error { return move(to, from) })
	a.journal = append(a.journal, entry{kind: entryMoved, rel: rel})
	return a.writeManifest()
}

// create records in the manifest every missing path of root/rel, then
// makes root/rel with make.
func (a *applier) create(rel string, make func(string) error) error {
	path := filepath.Join(a.root, rel)
	if err := a.recordCreated(rel); err != nil {
		return err
	}
	return make(path)
}

func mkdir(path string) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("creating directory %s: %w", path, err)
	}
	return nil
}

// removeCreated removes a path adopt created; one that was not created
// after all is no error.
func removeCreated(path string) error {
	if !exists(path) {
		return nil
	}
	return os.RemoveAll(path)
}

// recordCreated adds every path of rel, from the top, that does not exist
// yet to the manifest (written before anything is created) and to the
// journal.
func (a *applier) recordCreated(rel string) error {
	parts := strings.Split(filepath.Clean(rel), string(filepath.Separator))
	added := false
	for i := range parts {
		p := filepath.Join(parts[:i+1]...)
		if exists(filepath.Join(a.root, p)) || a.isNew[p] {
			continue
		}
		a.isNew[p], added = true, true
		a.created = append(a.created, p)
		a.undo = append(a.undo, func() error { return removeCreated(filepath.Join(a.root, p)) })
	}
	if !added {
		return nil
	}
	return a.writeManifest()
}

// rewrite copies root/rel into the backup and replaces its content,
// keeping its mode.
func (a *applier) rewrite(rel string, content []byte) error {
	path, saved := filepath.Join(a.root, rel), filepath.Join(a.backup, rel)
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if err := a.backUp(rel); err != nil {
		return err
	}
	a.journal = append(a.journal, entry{kind: entrySaved, rel: rel})
	if err := vspace.WriteAtomic(path, content, fi.Mode().Perm()); err != nil {
		return err
	}
	a.undo = append(a.undo, func() error { return copyFile(saved, path) })
	return a.wrote(rel)
}

// backUp copies root/rel to backup/rel.
func (a *applier) backUp(rel string) error {
	to := filepath.Join(a.backup, rel)
	if err := a.backupParent(rel); err != nil {
		return fmt.Errorf("backing up %s: %w", rel, err)
	}
	if err := copyFile(filepath.Join(a.root, rel), to); err != nil {
		return fmt.Errorf("backing up %s: %w", rel, err)
	}
	return nil
}

// installSetup backs up every file setup changes (or records it as
// created) and runs vspace's Install.
func (a *applier) installSetup(steps []Step) error {
	for _, s := range steps {
		if s.Kind != SetupFile {
			continue
		}
		if err := a.prepareSetupFile(s.Rel); err != nil {
			return err
		}
	}
	if _, err := a.setup.Install(&a.guest, a.ns); err != nil {
		return fmt.Errorf("installing what setup installs: %w", err)
	}
	for _, s := range steps {
		if s.Kind == SetupFile {
			if err := a.wrote(s.Rel); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applier) prepareSetupFile(rel string) error {
	path := filepath.Join(a.root, rel)
	if !exists(path) {
		return a.recordCreated(rel)
	}
	if err := a.backUp(rel); err != nil {
		return err
	}
	saved := filepath.Join(a.backup, rel)
	a.undo = append(a.undo, func() error { return copyFile(saved, path) })
	a.journal = append(a.journal, entry{kind: entrySaved, rel: rel})
	return nil
}
