// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace"
)

// UndoOptions say which adoption to undo.
type UndoOptions struct {
	Tree      *config.Tree
	Guest     string
	Timestamp string // the backup directory's name; "" = the latest
}

// Undo is one adoption to undo, checked: what to remove and restore.
type Undo struct {
	ConfDir string
	Guest   string
	Backup  string   // CONFDIR/NAME/.vserverx-adopt/TS
	NS      string   // the namespace the adoption made
	Created []string // what adopt created, leaves before their directories
	journal []entry
}

// PrepareUndo finds the backup of the adoption of opt.Guest (the latest,
// or opt.Timestamp) and checks, changing nothing, that it can be undone:
// every file adopt wrote still holds what adopt left there, nothing stands
// where a moved-aside file goes back, the backup holds what it must, and no
// other guest is in the namespace whose definition would go. A refusal
// names every file in the way.
func PrepareUndo(opt UndoOptions) (*Undo, error) {
	g, err := opt.Tree.Guest(opt.Guest)
	if err != nil {
		return nil, err
	}
	confdir := opt.Tree.Paths.ConfDir
	backup, err := findBackup(filepath.Join(confdir, g.Name, BackupDirName), opt.Timestamp)
	if err != nil {
		return nil, err
	}
	u := &Undo{ConfDir: confdir, Guest: g.Name, Backup: backup}
	if err := u.read(); err != nil {
		return nil, err
	}
	if err := u.check(); err != nil {
		return nil, err
	}
	return u, u.checkOthers(opt.Tree)
}

// findBackup returns the backup directory ts in dir, or the latest.
func findBackup(dir, ts string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("cannot undo: %w", err)
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	switch {
	case len(names) == 0:
		return "", fmt.Errorf("cannot undo: %s holds no backup of an adoption", dir)
	case ts == "":
		return filepath.Join(dir, names[len(names)-1]), nil
	case !strings.Contains(ts, "/") && isDir(filepath.Join(dir, ts)):
		return filepath.Join(dir, ts), nil
	}
	return "", fmt.Errorf("cannot undo: no backup %s in %s (there are: %s)", ts, dir, strings.Join(names, ", "))
}

// read reads the backup's CREATED and UNDO.
func (u *Undo) read() error {
	created, err := os.ReadFile(filepath.Join(u.Backup, ManifestName))
	if err != nil {
		return fmt.Errorf("cannot undo: %w", err)
	}
	file := filepath.Join(u.Backup, UndoName)
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot undo: %s is missing (the adoption was made by an older vserverx); restore by hand as vserverx(8) says under ADOPTING EXISTING GUESTS", file)
	}
	if err != nil {
		return fmt.Errorf("cannot undo: %w", err)
	}
	u.Created = config.ParseList(created)
	for _, c := range u.Created {
		if _, err := rel(u.ConfDir, filepath.Join(u.ConfDir, c)); err != nil || filepath.IsAbs(c) {
			return fmt.Errorf("cannot undo: %s lists %q, which is not a path inside the confdir", filepath.Join(u.Backup, ManifestName), c)
		}
	}
	u.NS, u.journal, err = parseJournal(file, data)
	if err != nil {
		return fmt.Errorf("cannot undo: %w", err)
	}
	return nil
}

// check refuses, naming every file, when the confdir or the backup is no
// longer as the adoption left it.
func (u *Undo) check() error {
	var changed []string
	for _, e := range u.journal {
		if why := u.changedSince(e); why != "" {
			changed = append(changed, why)
		}
	}
	if len(changed) > 0 {
		return fmt.Errorf("cannot undo the adoption of guest %s (%s): files changed since:\n  %s\nundo changes nothing then; "+
			"put them back as the adoption left them, or restore by hand as vserverx(8) says under ADOPTING EXISTING GUESTS",
			u.Guest, u.Backup, strings.Join(changed, "\n  "))
	}
	return nil
}

// changedSince says how the path of e differs from what the adoption left,
// or "".
func (u *Undo) changedSince(e entry) string {
	path, saved := filepath.Join(u.ConfDir, e.rel), filepath.Join(u.Backup, e.rel)
	switch e.kind {
	case entryWrote:
		sum, err := fileSum(path)
		if err != nil {
			return fmt.Sprintf("%s: %v", path, unwrapPath(err))
		}
		if sum != e.sum {
			return path + ": its content differs from what adopt wrote"
		}
	case entryMoved:
		if exists(path) {
			return path + ": exists again, where adopt moved the old one aside"
		}
		fallthrough
	case entrySaved:
		if !exists(saved) {
			return saved + ": missing from the backup"
		}
	}
	return ""
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkOthers refuses when the undo would remove files of the definition
// of a namespace another guest is in.
func (u *Undo) checkOthers(t *config.Tree) error {
	def := filepath.Join(config.NetnsDirName, u.NS) + "/"
	removes := false
	for _, c := range u.Created {
		removes = removes || strings.HasPrefix(c+"/", def)
	}
	if !removes || u.NS == "" {
		return nil
	}
	var others []string
	for _, g := range t.Guests() {
		if g.Name != u.Guest && g.HasSpacesNet && g.SpacesNet == u.NS {
			others = append(others, g.Name)
		}
	}
	if len(others) > 0 {
		return fmt.Errorf("cannot undo the adoption of guest %s: it removes the definition of namespace %s, which guest(s) %s are in too; "+
			"undo their adoption first (vserverx GUEST adopt --undo)", u.Guest, u.NS, strings.Join(others, ", "))
	}
	return nil
}

// Apply undoes the adoption: it removes what adopt created (a directory
// only when it is empty: what others wrote into it since stays), copies
// back the files adopt rewrote, moves back what it moved aside, and
// removes the backup. report is called with each action. When an action
// fails, what was done is undone in reverse order.
func (u *Undo) Apply(report func(string)) error {
	r := &restorer{u: u, report: report}
	if err := r.run(); err != nil {
		if uerr := r.rollback(); uerr != nil {
			return fmt.Errorf("undoing the adoption of guest %s: %w; putting the adoption back failed too: %v", u.Guest, err, uerr)
		}
		return fmt.Errorf("undoing the adoption of guest %s: %w; the adoption is as it was", u.Guest, err)
	}
	return nil
}

// restorer carries out an Undo, journaling how to take each action back.
type restorer struct {
	u      *Undo
	report func(string)
	back   []func() error
}

func (r *restorer) say(format string, args ...any) {
	if r.report != nil {
		r.report(fmt.Sprintf(format, args...))
	}
}

func (r *restorer) run() error {
	for _, c := range r.u.Created {
		if err := r.remove(c); err != nil {
			return err
		}
	}
	for _, e := range r.u.journal {
		if err := r.restore(e); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(r.u.Backup); err != nil {
		return err
	}
	r.say("remove the backup %s", r.u.Backup)
	_ = os.Remove(filepath.Dir(r.u.Backup)) // only when no other backup is left
	return nil
}

// remove removes one created path: a file, or an empty directory.
func (r *restorer) remove(c string) error {
	path := filepath.Join(r.u.ConfDir, c)
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.IsDir():
		return r.removeDir(path, fi)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	r.back = append(r.back, func() error { return os.WriteFile(path, content, fi.Mode().Perm()) })
	r.say("remove %s", path)
	return nil
}

// removeDir removes a created directory when it is empty; one that holds
// what something else wrote since stays.
func (r *restorer) removeDir(path string, fi fs.FileInfo) error {
	if ents, err := os.ReadDir(path); err != nil || len(ents) > 0 {
		r.say("keep %s: it holds files adopt did not create", path)
		return err
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	r.back = append(r.back, func() error { return os.Mkdir(path, fi.Mode().Perm()) })
	r.say("remove directory %s", path)
	return nil
}

// restore copies or moves one backed-up path back.
func (r *restorer) restore(e entry) error {
	path, saved := filepath.Join(r.u.ConfDir, e.rel), filepath.Join(r.u.Backup, e.rel)
	switch e.kind {
	case entryMoved:
		if err := move(saved, path); err != nil {
			return err
		}
		r.back = append(r.back, func() error { return move(path, saved) })
		r.say("move back %s -> %s", saved, path)
	case entrySaved:
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if err := copyFile(saved, path); err != nil {
			return err
		}
		r.back = append(r.back, func() error { return vspace.WriteAtomic(path, content, fi.Mode().Perm()) })
		r.say("restore %s from %s", path, saved)
	}
	return nil
}

// rollback takes back the actions done, in reverse order.
func (r *restorer) rollback() error {
	var errs []error
	for i := len(r.back) - 1; i >= 0; i-- {
		if err := r.back[i](); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
