// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// ErrNoGuest is returned (wrapped, naming CONFDIR/NAME) when a guest does not
// exist in the confdir.
var ErrNoGuest = errors.New("no such guest")

// Tree is a confdir, read as far as each question needs. Load reads only
// the guest names, every guest's spaces/net (which group it is in) and the
// names in .netns/; a guest, a namespace definition and a group are read
// and validated when first asked for, and kept. A command about guest G
// thus reads G's group and namespace definition only; CheckAll, Guests and
// Groups read everything they cover. Safe for concurrent use.
type Tree struct {
	Paths Paths

	mu      sync.Mutex
	names   []string          // guest directories, sorted
	nets    map[string]string // per guest: the namespace its spaces/net names ("" none)
	defDirs map[string]bool   // entries of CONFDIR/.netns: true when a directory
	top     Problems          // the .netns directory itself

	byName    map[string]*Guest     // guests read so far
	defs      map[string]*Namespace // CONFDIR/.netns/X directories read so far
	groups    map[string]*Group     // managed namespaces formed so far, defined and implicit
	formed    map[string]bool       // namespace names whose group was looked at
	gProbs    map[string]Problems   // per guest: its own files
	nsProbs   map[string]Problems   // per namespace X: its definition
	allGroups bool                  // every group was formed and the cross-group checks ran

	hostNamesChecked bool                // veth host-side names were compared across all definitions
	conflicts        map[string]Problems // per namespace X: conflicts with other definitions (nil until compared)
}

// Load lists the confdir p.ConfDir: guest names, their spaces/net and the
// namespace definitions' names. It returns an error only when the confdir
// itself cannot be read; every problem with a file in it is recorded when
// that file is read and reported by Check, CheckGroup and CheckAll.
func Load(p Paths) (*Tree, error) {
	names, err := guestDirs(p.ConfDir)
	if err != nil {
		return nil, fmt.Errorf("confdir: %w", err)
	}
	t := &Tree{
		Paths:   p,
		names:   names,
		nets:    make(map[string]string, len(names)),
		defDirs: map[string]bool{},
		byName:  map[string]*Guest{},
		defs:    map[string]*Namespace{},
		groups:  map[string]*Group{},
		formed:  map[string]bool{},
		gProbs:  map[string]Problems{},
		nsProbs: map[string]Problems{},
	}
	for _, name := range names {
		t.nets[name] = sharedNetnsOf(filepath.Join(p.ConfDir, name), name)
	}
	t.listDefinitions()
	return t, nil
}

// sharedNetnsOf reads only guest dir's spaces/net, as the guest's
// SharedNetns would say it; its problems are recorded when the guest is
// read.
func sharedNetnsOf(dir, name string) string {
	var ignored Problems
	g := &Guest{Name: name, Dir: dir}
	readSpacesNet(reader{probs: &ignored}, g)
	return g.SharedNetns()
}

// guestDirs lists the guest directories of confdir: every entry that is (or
// points to) a directory and does not start with a dot, sorted.
func guestDirs(confdir string) ([]string, error) {
	ents, err := os.ReadDir(confdir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") && entryIsDir(confdir, e) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// entryIsDir reports whether directory entry e of dir is a directory or a
// symlink to one (only symlinks cost a stat).
func entryIsDir(dir string, e os.DirEntry) bool {
	if e.Type()&os.ModeSymlink != 0 {
		return isDir(filepath.Join(dir, e.Name()))
	}
	return e.IsDir()
}

func (t *Tree) netnsDir() string { return filepath.Join(t.Paths.ConfDir, NetnsDirName) }

// listDefinitions lists CONFDIR/.netns: which names have an entry and
// whether it is a directory.
func (t *Tree) listDefinitions() {
	r := reader{probs: &t.top}
	dir := t.netnsDir()
	if !requireDirIfExists(r, dir) {
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		r.add(dir, "cannot be listed: %v", unwrapPath(err))
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") {
			t.defDirs[e.Name()] = entryIsDir(dir, e)
		}
	}
}

// guest returns guest name, reading it on first use (name must exist).
func (t *Tree) guest(name string) *Guest {
	if g, ok := t.byName[name]; ok {
		return g
	}
	g, probs := loadGuest(filepath.Join(t.Paths.ConfDir, name), name)
	t.byName[name] = g
	probs = append(probs, t.utilNetnsProblems(g)...)
	probs = append(probs, t.spacesNetProblems(g)...)
	if len(probs) > 0 {
		t.gProbs[name] = probs
	}
	return g
}

// isGuest reports whether name is a guest of the confdir.
func (t *Tree) isGuest(name string) bool {
	_, ok := t.nets[name]
	return ok
}

// idSource says whether guest x can supply a namespace id.
func (t *Tree) idSource(x string) idSource {
	src := idSource{file: filepath.Join(t.Paths.ConfDir, x, GuestContext)}
	if !t.isGuest(x) {
		return src
	}
	src.guest = true
	if g, ok := t.byName[x]; ok {
		src.file, src.id, src.ok = g.File(GuestContext), g.Context, g.HasContext
		return src
	}
	// Only the context file: reading the whole guest (its util-vserver
	// network configuration too) for every definition made start's
	// conflict check cost a guest load per namespace. Problems of the file
	// are the guest's own, reported when the guest is loaded.
	var ignored Problems
	src.id, src.ok = readIDFile(reader{probs: &ignored}, src.file, "context id")
	return src
}

// formGroup reads namespace x once: its definition directory (or, for a
// guest whose spaces/net names itself, the implicit empty namespace) and
// its members, and records the group when x is managed.
func (t *Tree) formGroup(x string) {
	if t.formed[x] {
		return
	}
	t.formed[x] = true
	ns := t.namespace(x)
	if ns == nil {
		return
	}
	grp := &Group{NS: ns}
	for _, name := range t.names { // sorted, so members are too
		if t.nets[name] == x && t.managedName(name) {
			grp.Members = append(grp.Members, t.guest(name))
		}
	}
	t.groups[x] = grp
}

// namespace reads the definition of x: CONFDIR/.netns/X, else the implicit
// namespace of guest x when its spaces/net names itself; nil when x is not
// managed (an entry .netns/X that is no directory is a Problem).
func (t *Tree) namespace(x string) *Namespace {
	isDir, listed := t.defDirs[x]
	path := filepath.Join(t.netnsDir(), x)
	switch {
	case listed && isDir:
		return t.definition(x)
	case listed:
		t.nsProbs[x] = append(t.nsProbs[x], Problem{File: path,
			Msg: "is not a directory; a namespace definition is a directory .netns/X holding id, interfaces/, sysctl/, novprocunhide"})
	}
	if t.nets[x] != x || !t.isGuest(x) {
		return nil
	}
	ns, probs := implicitNamespace(t.Paths.ConfDir, t.guest(x))
	t.nsProbs[x] = append(t.nsProbs[x], probs...)
	return ns
}

// definition reads the definition directory CONFDIR/.netns/X once.
func (t *Tree) definition(x string) *Namespace {
	if ns, ok := t.defs[x]; ok {
		return ns
	}
	ns, probs := loadNamespace(filepath.Join(t.netnsDir(), x), x, t.idSource(x))
	t.defs[x] = ns
	t.nsProbs[x] = append(t.nsProbs[x], probs...)
	return ns
}

// checkVethHostNames runs the checks across every definition (veth
// host-side names, ipvlan parents' modes) when group x has a veth or an
// ipvlan (the only cases that need the other definitions read), and
// always for every group.
func (t *Tree) checkVethHostNames(x string) {
	if t.hostNamesChecked {
		return
	}
	if ns := t.defs[x]; x != "" && (ns == nil || !hasVeth(ns) && !hasIPVlan(ns)) {
		return
	}
	t.hostNamesChecked = true
	for _, d := range sortedKeys(t.defDirs) {
		if t.defDirs[d] {
			t.definition(d)
		}
	}
	t.checkHostNames()
	t.checkIPVlanParents()
}

func hasVeth(ns *Namespace) bool {
	for _, ifc := range ns.Interfaces {
		if ifc.Type == TypeVeth {
			return true
		}
	}
	return false
}

// managedName is Managed for a guest known by name only.
func (t *Tree) managedName(name string) bool {
	x := t.nets[name]
	return x != "" && (t.defDirs[x] || x == name)
}

// formAll reads every guest and forms every group, then runs the checks
// that span groups.
func (t *Tree) formAll() {
	if t.allGroups {
		return
	}
	t.allGroups = true
	for _, name := range t.names {
		t.guest(name)
		if x := t.nets[name]; x != "" {
			t.formGroup(x)
		}
	}
	for _, x := range sortedKeys(t.defDirs) {
		t.formGroup(x)
	}
	t.checkVethHostNames("")
}

// utilNetnsProblems: a managed guest that also has util-vserver's own
// netns/ directory.
func (t *Tree) utilNetnsProblems(g *Guest) Problems {
	if !g.HasUtilNetns || !t.managedName(g.Name) {
		return nil
	}
	return Problems{{File: g.File(GuestUtilNetns),
		Msg: fmt.Sprintf("util-vserver manages this guest's network namespace itself (netns/ directory, util-vserver 0.30.216+), "+
			"but spaces/net makes vserverx manage namespace %s; vserverx refuses to manage it: remove netns/ or spaces/net", g.SharedNetns())}}
}

// spacesNetProblems: a guest whose spaces/net names no valid namespace
// (for a managed guest an invalid name is already reported with its
// namespace), and a managed guest whose spaces/net lacks its final
// newline: util-vserver would read it as empty and give the guest a new
// private net space inside X instead of X itself.
func (t *Tree) spacesNetProblems(g *Guest) Problems {
	var probs Problems
	managed := t.managedName(g.Name)
	if err := g.SpacesNetInvalid; err != nil && (!managed || ValidateNamespaceName(g.SpacesNet) == nil) {
		probs = append(probs, Problem{File: g.File(GuestSpacesNet), Msg: err.Error()})
	}
	if !g.SpacesNetUnterminated || !managed {
		return probs
	}
	return append(probs, Problem{File: g.File(GuestSpacesNet),
		Msg: fmt.Sprintf("%q has no newline at its end: util-vserver reads such a file as empty and would give the guest "+
			"a private net space instead of namespace %s; end the line with a newline (echo %s > spaces/net)", g.SpacesNet, g.SpacesNet, g.SpacesNet)})
}

// hostUse is one veth whose host side takes a name on the host.
type hostUse struct {
	ns  *Namespace
	ifc *Interface
}

// checkHostNames records veth host-side names used more than once across
// all namespace definitions, once per namespace involved.
func (t *Tree) checkHostNames() {
	users := map[string][]hostUse{}
	for _, x := range sortedKeys(t.defs) {
		ns := t.defs[x]
		for i := range ns.Interfaces {
			if ifc := &ns.Interfaces[i]; ifc.Type == TypeVeth && ifc.Host != "" {
				users[ifc.Host] = append(users[ifc.Host], hostUse{ns, ifc})
			}
		}
	}
	for _, host := range sortedKeys(users) {
		if us := users[host]; len(us) > 1 {
			t.reportHostDup(host, us)
		}
	}
}

func (t *Tree) reportHostDup(host string, us []hostUse) {
	done := map[string]bool{}
	for i, u := range us {
		if done[u.ns.Name] {
			continue
		}
		done[u.ns.Name] = true
		var others []string
		for j, o := range us {
			if j != i {
				others = append(others, o.ifc.Dir)
			}
		}
		t.nsProbs[u.ns.Name] = append(t.nsProbs[u.ns.Name], Problem{File: u.ifc.File(KeyHost),
			Msg: fmt.Sprintf("veth host-side name %q is also used by %s; host-side names must be unique across all namespaces",
				host, strings.Join(others, ", "))})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Guests returns every guest of the confdir, sorted by name (reading all).
func (t *Tree) Guests() []*Guest {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*Guest, len(t.names))
	for i, name := range t.names {
		out[i] = t.guest(name)
	}
	return out
}

// Guest returns the guest name, or an error wrapping ErrNoGuest that names
// CONFDIR/NAME.
func (t *Tree) Guest(name string) (*Guest, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.isGuest(name) {
		return nil, fmt.Errorf("%s: %w", t.guestPath(name), ErrNoGuest)
	}
	return t.guest(name), nil
}

func (t *Tree) guestPath(name string) string {
	return strings.TrimSuffix(t.Paths.ConfDir, "/") + "/" + name
}

// Managed reports whether vserverx manages guest g's network namespace: its
// spaces/net names a namespace X that has a definition directory
// CONFDIR/.netns/X, or X is the guest's own name.
func (t *Tree) Managed(g *Guest) bool {
	x := g.SharedNetns()
	return x != "" && (t.defDirs[x] || x == g.Name)
}

// GroupOf returns the group of guest g, or nil when g is not managed.
func (t *Tree) GroupOf(g *Guest) *Group {
	if !t.Managed(g) {
		return nil
	}
	return t.Group(g.SharedNetns())
}

// Group returns the managed namespace x with its members, or nil when x is
// neither defined (CONFDIR/.netns/x) nor a guest whose spaces/net is x.
func (t *Tree) Group(x string) *Group {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.formGroup(x)
	return t.groups[x]
}

// Groups returns every managed namespace (defined ones, even without
// members, and implicit ones), sorted by name.
func (t *Tree) Groups() []*Group {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.formAll()
	out := make([]*Group, 0, len(t.groups))
	for _, x := range sortedKeys(t.groups) {
		out = append(out, t.groups[x])
	}
	return out
}

// Check returns every problem that concerns guest name: its own files and,
// when spaces/net names a namespace X, X's definition (and, when X has a
// veth, its host-side names against every other definition). An unknown
// guest is a Problem naming CONFDIR/NAME.
func (t *Tree) Check(name string) Problems {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.isGuest(name) {
		return Problems{{File: t.guestPath(name), Msg: "no such guest (no directory of that name in the confdir)"}}
	}
	g := t.guest(name)
	ps := append(Problems(nil), t.gProbs[name]...)
	if x := g.SharedNetns(); x != "" {
		t.formGroup(x)
		t.checkVethHostNames(x)
		ps = append(ps, t.top...)
		ps = append(ps, t.nsProbs[x]...)
	}
	return ps
}

// Conflicts returns the conflicts between namespace x's definition and the
// other definitions (the same MAC, a phys device used twice or as another's
// parent, the same address): what no single definition shows. It reads
// every definition directory (not the guests), once.
func (t *Tree) Conflicts(x string) Problems {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conflictsOf(x)
}

// CheckGroup returns every problem of namespace x (its definition) and of
// its members. An unknown namespace is a Problem naming CONFDIR/.netns/X.
func (t *Tree) CheckGroup(x string) Problems {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.formGroup(x)
	t.checkVethHostNames(x)
	grp := t.groups[x]
	ps := append(Problems(nil), t.top...)
	ps = append(ps, t.nsProbs[x]...)
	if grp == nil {
		if len(t.nsProbs[x]) == 0 {
			ps = append(ps, Problem{File: filepath.Join(t.netnsDir(), x),
				Msg: fmt.Sprintf("no managed namespace %q: no definition directory and no guest %s whose spaces/net is %s", x, x, x)})
		}
		return ps
	}
	for _, m := range grp.Members {
		ps = append(ps, t.gProbs[m.Name]...)
	}
	return ps
}

// CheckAll reads the whole confdir and returns every problem in it: all
// guests, then all namespace definitions (with the checks that span them),
// sorted by name.
func (t *Tree) CheckAll() Problems {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.formAll()
	ps := append(Problems(nil), t.top...)
	for _, name := range t.names {
		ps = append(ps, t.gProbs[name]...)
	}
	for _, x := range sortedKeys(t.nsProbs) {
		ps = append(ps, t.nsProbs[x]...)
	}
	t.checkConflicts()
	for _, x := range sortedKeys(t.conflicts) {
		ps = append(ps, t.conflicts[x]...)
	}
	return ps
}
