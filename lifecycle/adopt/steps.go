// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle/adopt/legacy"
)

// StepKind is what a Step does to its path.
type StepKind int

// The kinds of Step, in the order a Plan lists them.
const (
	MoveAside StepKind = iota // move a file or directory into the backup
	Create                    // create a file (and missing directories)
	CreateDir                 // create a directory
	Rewrite                   // replace a file's content
	SetupFile                 // a file `vserverx NAME setup` installs or changes
)

// Step is one file operation of an adoption.
type Step struct {
	Kind    StepKind
	Rel     string // the path, relative to CONFDIR
	Content []byte // Create, Rewrite: the new content
	Old     []byte // Rewrite: the content now
	From    string // why: the old configuration it stands for
}

// String describes the step as adopt prints it; backup is the backup
// directory.
func (s Step) String(confdir, backup string) string {
	path := filepath.Join(confdir, s.Rel)
	switch s.Kind {
	case MoveAside:
		return fmt.Sprintf("move aside %s -> %s (%s)", path, filepath.Join(backup, s.Rel), s.From)
	case Create:
		return fmt.Sprintf("create %s: %s", path, showValue(s.Content))
	case CreateDir:
		return fmt.Sprintf("create directory %s", path)
	case Rewrite:
		return fmt.Sprintf("rewrite %s: %s -> %s", path, showValue(s.Old), showValue(s.Content))
	}
	return fmt.Sprintf("setup %s: %s", path, s.From)
}

// showValue shows a file's content on one line: its lines, quoted,
// separated by commas; an empty file is (empty).
func showValue(b []byte) string {
	lines := config.ParseList(b)
	if len(lines) == 0 {
		if len(bytes.TrimSpace(b)) == 0 {
			return "(empty)"
		}
		return strconv.Quote(string(b))
	}
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = strconv.Quote(l)
	}
	return strings.Join(q, ", ")
}

// addSteps works out every step for the merged proposal: the old files
// moved aside, extra (source 3) steps, nonetns, the namespace definition,
// spaces/net and setup.
func (p *Plan) addSteps(opt Options, g *config.Guest, prop *legacy.Proposal, extra []Step) error {
	for _, src := range prop.Sources {
		r, err := rel(p.ConfDir, src)
		if err != nil {
			return err
		}
		p.Steps = append(p.Steps, Step{Kind: MoveAside, Rel: r, From: "old network configuration, read into the namespace definition"})
	}
	p.Steps = append(p.Steps, extra...)
	for _, add := range []func(Options, *config.Guest, *legacy.Proposal) error{p.addNoNetns, p.addDefinition, p.addSpacesNet} {
		if err := add(opt, g, prop); err != nil {
			return err
		}
	}
	return p.addSetup(g, prop.NS)
}

// addNoNetns writes nonetns when util-vserver's .defaults/netns would
// apply to the guest after the adoption: it was the source, or the guest's
// own netns/ is moved aside and a .defaults/netns exists.
func (p *Plan) addNoNetns(_ Options, g *config.Guest, prop *legacy.Proposal) error {
	defaults := filepath.Join(p.ConfDir, legacy.UtilDefaultsNetns)
	movesOwn := slices.Contains(prop.Sources, g.File(legacy.UtilNetnsDir))
	if !prop.DisableDefaults && !(movesOwn && isDir(defaults)) {
		return nil
	}
	if exists(g.File(legacy.UtilNoNetns)) {
		return nil
	}
	if !prop.DisableDefaults {
		p.Notes = append(p.Notes, fmt.Sprintf("%s stays for the other guests; guest %s gets a %s file so that util-vserver does not apply it instead",
			defaults, g.Name, legacy.UtilNoNetns))
	}
	p.Steps = append(p.Steps, Step{Kind: Create, Rel: filepath.Join(g.Name, legacy.UtilNoNetns), Content: []byte{},
		From: "util-vserver must not apply " + defaults})
	return nil
}

// addDefinition writes the files of CONFDIR/.netns/X that the proposal
// renders, numbered against an existing definition of X: an interface of
// the same inside name keeps its number, a new one takes the next free
// number. A file that exists with other content is a conflict.
func (p *Plan) addDefinition(opt Options, g *config.Guest, prop *legacy.Proposal) error {
	numbered := *prop
	def := existingDef(opt.Tree, prop.NS)
	numbered.Interfaces = renumber(prop.Interfaces, def)
	if err := p.joinID(g, &numbered, def); err != nil {
		return err
	}
	files := numbered.Render()
	dir := filepath.Join(config.NetnsDirName, prop.NS)
	if !prop.SharedOnly && len(files) == 0 && !exists(filepath.Join(p.ConfDir, dir)) {
		p.Steps = append(p.Steps, Step{Kind: CreateDir, Rel: dir, From: prop.NSFrom})
	}
	for _, name := range sortedKeys(files) {
		r := filepath.Join(dir, name)
		old, err := os.ReadFile(filepath.Join(p.ConfDir, r))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			p.Steps = append(p.Steps, Step{Kind: Create, Rel: r, Content: []byte(files[name]), From: prop.NSFrom})
		case err != nil:
			return fmt.Errorf("cannot adopt: %w", err)
		case string(old) != files[name]:
			return fmt.Errorf("cannot adopt: %s holds %s, but the old configuration needs %s there (%s); "+
				"namespace %s is defined already: make the definitions agree first",
				filepath.Join(p.ConfDir, r), showValue(old), showValue([]byte(files[name])), fromOf(numbered, name), prop.NS)
		}
	}
	return nil
}

// joinID lets a guest join the existing definition def of its namespace
// when its id differs but nothing of the old configuration needs it: no
// MAC of it was derived from the id. Then the id of def stays. When a MAC
// was derived, the refusal names it and offers --id.
func (p *Plan) joinID(g *config.Guest, prop *legacy.Proposal, def *config.Namespace) error {
	if def == nil || !def.HasID || !prop.HasID || def.ID == prop.ID {
		return nil
	}
	if prop.IDExplicit {
		return fmt.Errorf("cannot adopt: --id %d, but namespace %s is defined already with id %d (%s); leave --id out or give --id %d",
			prop.ID, prop.NS, def.ID, def.IDFrom, def.ID)
	}
	var needs []string
	for _, ifc := range prop.Interfaces {
		if ifc.IDMAC != "" {
			needs = append(needs, fmt.Sprintf("the MAC of %s set at %s", ifc.Name, ifc.IDMAC))
		}
	}
	if len(needs) > 0 {
		return fmt.Errorf("cannot adopt guest %s into namespace %s: its old configuration derives %s from id %d (%s), but %s has id %d (%s); "+
			"to join %s anyway with id %d (those MACs change), run: vserverx %s adopt --namespace %s --id %d",
			g.Name, prop.NS, strings.Join(needs, ", "), prop.ID, prop.IDFrom, prop.NS, def.ID, def.IDFrom, prop.NS, def.ID, g.Name, prop.NS, def.ID)
	}
	p.Notes = append(p.Notes, fmt.Sprintf("guest %s joins namespace %s, defined already with id %d (%s); its own id %d (%s) is not used: "+
		"no MAC of its old configuration depends on it", g.Name, prop.NS, def.ID, def.IDFrom, prop.ID, prop.IDFrom))
	prop.HasID = false
	return nil
}

// fromOf names where the value of a rendered file came from.
func fromOf(prop legacy.Proposal, name string) string {
	if name == config.NSNftables {
		return prop.NftablesFrom
	}
	for _, ifc := range prop.Interfaces {
		if strings.HasPrefix(name, filepath.Join(config.NSInterfaces, strconv.Itoa(ifc.Num))+"/") {
			return ifc.From
		}
	}
	return prop.IDFrom
}

// existingDef returns the definition of X in the confdir, or nil.
func existingDef(t *config.Tree, x string) *config.Namespace {
	if grp := t.Group(x); grp != nil && grp.NS.Defined {
		return grp.NS
	}
	return nil
}

// renumber numbers the interfaces against def: the number of def's
// interface of the same name, else the next number no interface uses.
func renumber(ifs []legacy.ProposedInterface, def *config.Namespace) []legacy.ProposedInterface {
	used := map[int]bool{}
	byName := map[string]int{}
	if def != nil {
		for _, ifc := range def.Interfaces {
			used[ifc.Num], byName[ifc.Name] = true, ifc.Num
		}
	}
	out := slices.Clone(ifs)
	next := 0
	for i := range out {
		if n, ok := byName[out[i].Name]; ok {
			out[i].Num = n
			continue
		}
		for used[next] {
			next++
		}
		out[i].Num, used[next] = next, true
	}
	return out
}

// addSpacesNet makes spaces/net name X.
func (p *Plan) addSpacesNet(_ Options, g *config.Guest, prop *legacy.Proposal) error {
	want := []byte(prop.NS + "\n")
	r := filepath.Join(g.Name, config.GuestSpacesNet)
	path := filepath.Join(p.ConfDir, r)
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.Steps = append(p.Steps, Step{Kind: Create, Rel: r, Content: want, From: prop.NSFrom})
	case err != nil:
		return fmt.Errorf("cannot adopt: %w", err)
	case !bytes.Equal(old, want):
		if err := plainFile(path); err != nil {
			return err
		}
		p.Steps = append(p.Steps, Step{Kind: Rewrite, Rel: r, Old: old, Content: want, From: prop.NSFrom})
	}
	return nil
}

// addSetup adds what `vserverx NAME setup` would change for namespace x.
func (p *Plan) addSetup(g *config.Guest, x string) error {
	actions, err := p.setup.Plan(g, x)
	if err != nil {
		return fmt.Errorf("cannot adopt: %w", err)
	}
	for _, a := range actions {
		r, err := rel(p.ConfDir, a.Path)
		if err != nil {
			return err
		}
		if err := plainFile(a.Path); err != nil {
			return err
		}
		p.Steps = append(p.Steps, Step{Kind: SetupFile, Rel: r, From: a.What})
	}
	return nil
}

// plainFile refuses a path that is a symbolic link: adopt backs up and
// restores files, not what links lead to.
func plainFile(path string) error {
	fi, err := os.Lstat(path)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("cannot adopt: %s is a symbolic link; adopt changes only plain files (and backs them up): replace it by a copy of its target first", path)
	}
	return nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
