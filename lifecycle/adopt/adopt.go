// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle/adopt/legacy"
	"github.com/vserverx/vserverx/vspace"
)

// BackupDirName is the directory in CONFDIR/NAME that holds one backup
// directory per adoption, named after its UTC time.
const BackupDirName = ".vserverx-adopt"

// ManifestName is the file in a backup directory that lists, one per line
// and relative to CONFDIR, every path the adoption created.
const ManifestName = "CREATED"

// timeFormat names a backup directory: the UTC time of the adoption.
const timeFormat = "20060102T150405Z"

// Options say what to adopt and how.
type Options struct {
	Tree      *config.Tree // the loaded confdir
	Guest     string       // the guest to adopt
	Namespace string       // X for classic interfaces/ (source 3); "" = the guest's name
	ID        int          // the namespace id to write (adopt --id), when HasID
	HasID     bool
	Setup     vspace.Setup // what `vserverx NAME setup` installs

	// HostLink reports whether a network device of that name exists on the
	// host; nil uses the network namespace vserverx runs in.
	HostLink func(name string) bool
	// Now is the time of the adoption (the backup directory's name); the
	// zero value means time.Now().
	Now time.Time
}

// Plan is an adoption worked out and verified, ready to print or Apply.
type Plan struct {
	ConfDir string
	Guest   string
	NS      string   // the namespace X ("" when there is nothing to adopt)
	Found   []string // what old configuration was found, one line each
	Notes   []string // what the administrator should know
	Steps   []Step
	Backup  string // CONFDIR/NAME/.vserverx-adopt/TS

	setup vspace.Setup
	guest *config.Guest
}

// Empty reports whether there is nothing to adopt.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Prepare finds the guest's old network configuration, works out every
// file operation of its adoption and verifies the result on a scratch copy
// of the confdir. It changes nothing. A configuration that cannot be
// adopted is an error saying why (a *legacy.RefuseError names file and
// line); a guest with nothing to adopt gives an empty Plan.
func Prepare(opt Options) (*Plan, error) {
	g, err := opt.Tree.Guest(opt.Guest)
	if err != nil {
		return nil, err
	}
	confdir := opt.Tree.Paths.ConfDir
	p := &Plan{ConfDir: confdir, Guest: g.Name, setup: opt.Setup, guest: g}
	p.Backup = backupDir(confdir, g.Name, opt.now())
	prop, steps, err := findSources(opt, g, p)
	if err != nil || prop == nil {
		return p, err
	}
	p.NS = prop.NS
	if opt.HasID {
		prop.ID, prop.HasID, prop.IDFrom, prop.IDExplicit = opt.ID, true, "--id", true
	}
	p.Notes = append(p.Notes, prop.Notes...)
	if err := p.addSteps(opt, g, prop, steps); err != nil {
		return nil, err
	}
	if err := p.verify(opt.Tree.Paths); err != nil {
		return nil, err
	}
	return p, nil
}

func (opt Options) now() time.Time {
	if opt.Now.IsZero() {
		return time.Now()
	}
	return opt.Now
}

func (opt Options) hostLink(name string) bool {
	if opt.HostLink != nil {
		return opt.HostLink(name)
	}
	_, err := net.InterfaceByName(name)
	return err == nil
}

// backupDir returns CONFDIR/NAME/.vserverx-adopt/TS, with a suffix when a
// directory of that time exists already.
func backupDir(confdir, guest string, t time.Time) string {
	base := filepath.Join(confdir, guest, BackupDirName, t.UTC().Format(timeFormat))
	dir := base
	for i := 2; exists(dir); i++ {
		dir = fmt.Sprintf("%s.%d", base, i)
	}
	return dir
}

// findSources reads the three sources in order of precedence and merges
// them; it returns nil when the guest has none. steps are the extra steps
// of source 3 (novlandev files).
func findSources(opt Options, g *config.Guest, p *Plan) (*legacy.Proposal, []Step, error) {
	confdir := opt.Tree.Paths.ConfDir
	var merged *legacy.Proposal
	for _, src := range []struct {
		what string
		read func(string, string) (*legacy.Proposal, error)
	}{
		{"util-vserver's netns/", legacy.ReadUtilNetns},
		{"hand-written network scriptlets", legacy.ReadScriptlets},
	} {
		prop, err := src.read(confdir, g.Name)
		if errors.Is(err, legacy.ErrNone) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		p.Found = append(p.Found, fmt.Sprintf("%s (namespace %s from %s)", src.what, prop.NS, prop.NSFrom))
		if merged, err = mergeInto(merged, prop); err != nil {
			return nil, nil, err
		}
	}
	if merged != nil {
		return merged, nil, checkNamespaceOption(opt, merged)
	}
	if !classicCandidate(opt.Tree, g) {
		return nil, nil, nil
	}
	return classicSource(opt, g, p)
}

func mergeInto(a, b *legacy.Proposal) (*legacy.Proposal, error) {
	if a == nil {
		return b, nil
	}
	return legacy.Merge(a, b)
}

// checkNamespaceOption refuses a --namespace that contradicts the
// namespace the old configuration names.
func checkNamespaceOption(opt Options, prop *legacy.Proposal) error {
	if opt.Namespace != "" && opt.Namespace != prop.NS {
		return fmt.Errorf("cannot adopt: --namespace %s, but %s puts guest %s in namespace %s; leave --namespace out",
			opt.Namespace, prop.NSFrom, prop.Guest, prop.NS)
	}
	return nil
}

// classicCandidate reports whether the guest's classic interfaces/ may be
// source 3: it has no namespace yet (spaces/net absent or 0) and is not
// managed.
func classicCandidate(t *config.Tree, g *config.Guest) bool {
	if t.Managed(g) {
		return false
	}
	return !g.HasSpacesNet || g.SpacesNet == "0"
}

// exists reports whether path exists, without following a final symlink.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// rel returns path relative to confdir; it must lie inside it.
func rel(confdir, path string) (string, error) {
	r, err := filepath.Rel(confdir, path)
	if err != nil || r == "." || r == ".." || strings.HasPrefix(r, "../") {
		return "", fmt.Errorf("cannot adopt: %s is not inside the confdir %s", path, confdir)
	}
	return r, nil
}
