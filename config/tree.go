package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoGuest is returned (wrapped, naming CONFDIR/NAME) when a guest does not
// exist in the confdir.
var ErrNoGuest = errors.New("no such guest")

// Tree is a whole confdir, read and validated once by Load: every guest, every
// namespace definition and the groups they form, with every problem found.
type Tree struct {
	Paths Paths

	guests  []*Guest // sorted by name
	byName  map[string]*Guest
	defs    map[string]*Namespace // CONFDIR/.netns/X directories
	groups  map[string]*Group     // managed namespaces, defined and implicit
	gProbs  map[string]Problems   // per guest: its own files
	nsProbs map[string]Problems   // per namespace X: its definition
	top     Problems              // the .netns directory itself
}

// Load reads and validates the confdir p.ConfDir. It returns an error only
// when the confdir itself cannot be read; every problem with a file in it is
// recorded and reported by Check, CheckGroup and CheckAll.
func Load(p Paths) (*Tree, error) {
	names, err := guestDirs(p.ConfDir)
	if err != nil {
		return nil, fmt.Errorf("confdir: %w", err)
	}
	t := &Tree{
		Paths:   p,
		byName:  map[string]*Guest{},
		defs:    map[string]*Namespace{},
		groups:  map[string]*Group{},
		gProbs:  map[string]Problems{},
		nsProbs: map[string]Problems{},
	}
	t.loadGuests(names)
	t.loadDefinitions()
	t.addImplicitNamespaces()
	t.formGroups()
	t.checkHostNames()
	t.checkUtilNetns()
	t.checkSpacesNet()
	return t, nil
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
		if !strings.HasPrefix(e.Name(), ".") && isDir(filepath.Join(confdir, e.Name())) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func (t *Tree) loadGuests(names []string) {
	for _, name := range names {
		g, probs := loadGuest(filepath.Join(t.Paths.ConfDir, name), name)
		t.guests = append(t.guests, g)
		t.byName[name] = g
		if len(probs) > 0 {
			t.gProbs[name] = probs
		}
	}
}

func (t *Tree) netnsDir() string { return filepath.Join(t.Paths.ConfDir, NetnsDirName) }

// loadDefinitions reads every CONFDIR/.netns/X directory.
func (t *Tree) loadDefinitions() {
	r := reader{probs: &t.top}
	dir := t.netnsDir()
	if !requireDirIfExists(r, dir) {
		return
	}
	for _, x := range r.dirEntries(dir) {
		path := filepath.Join(dir, x)
		if !isDir(path) {
			t.nsProbs[x] = append(t.nsProbs[x], Problem{File: path,
				Msg: "is not a directory; a namespace definition is a directory .netns/X holding id, interfaces/, sysctl/, novprocunhide"})
			continue
		}
		ns, probs := loadNamespace(path, x, t.idSource(x))
		t.defs[x] = ns
		t.nsProbs[x] = append(t.nsProbs[x], probs...)
	}
}

// idSource says whether guest x can supply a namespace id.
func (t *Tree) idSource(x string) idSource {
	src := idSource{file: filepath.Join(t.Paths.ConfDir, x, GuestContext)}
	if g, ok := t.byName[x]; ok {
		src.guest, src.file = true, g.File(GuestContext)
		src.id, src.ok = g.Context, g.HasContext
	}
	return src
}

// addImplicitNamespaces makes the empty namespace of every guest whose
// spaces/net names itself and that has no definition directory.
func (t *Tree) addImplicitNamespaces() {
	for _, g := range t.guests {
		if g.SharedNetns() != g.Name || t.defs[g.Name] != nil {
			continue
		}
		ns, probs := implicitNamespace(t.Paths.ConfDir, g)
		t.groups[g.Name] = &Group{NS: ns}
		t.nsProbs[g.Name] = append(t.nsProbs[g.Name], probs...)
	}
}

// formGroups makes a group of every definition and puts each managed guest
// in its group.
func (t *Tree) formGroups() {
	for x, ns := range t.defs {
		t.groups[x] = &Group{NS: ns}
	}
	for _, g := range t.guests { // sorted, so members are too
		if t.Managed(g) {
			grp := t.groups[g.SharedNetns()]
			grp.Members = append(grp.Members, g)
		}
	}
}

// checkUtilNetns records managed guests that also have util-vserver's own
// netns/ directory.
func (t *Tree) checkUtilNetns() {
	for _, g := range t.guests {
		if g.HasUtilNetns && t.Managed(g) {
			t.gProbs[g.Name] = append(t.gProbs[g.Name], Problem{File: g.File(GuestUtilNetns),
				Msg: fmt.Sprintf("util-vserver manages this guest's network namespace itself (netns/ directory, util-vserver 0.30.216+), "+
					"but spaces/net makes vserverx manage namespace %s; vserverx refuses to manage it: remove netns/ or spaces/net", g.SharedNetns())})
		}
	}
}

// checkSpacesNet records guests whose spaces/net names no valid namespace
// (for a managed guest an invalid name is already reported with its
// namespace), and managed guests whose spaces/net lacks its final newline:
// util-vserver would read it as empty and give the guest a new private net
// space inside X instead of X itself.
func (t *Tree) checkSpacesNet() {
	for _, g := range t.guests {
		if err := g.SpacesNetInvalid; err != nil && (!t.Managed(g) || ValidateNamespaceName(g.SpacesNet) == nil) {
			t.gProbs[g.Name] = append(t.gProbs[g.Name], Problem{File: g.File(GuestSpacesNet), Msg: err.Error()})
		}
		if g.SpacesNetUnterminated && t.Managed(g) {
			t.gProbs[g.Name] = append(t.gProbs[g.Name], Problem{File: g.File(GuestSpacesNet),
				Msg: fmt.Sprintf("%q has no newline at its end: util-vserver reads such a file as empty and would give the guest "+
					"a private net space instead of namespace %s; end the line with a newline (echo %s > spaces/net)", g.SpacesNet, g.SpacesNet, g.SpacesNet)})
		}
	}
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

// Guests returns every guest of the confdir, sorted by name.
func (t *Tree) Guests() []*Guest { return append([]*Guest(nil), t.guests...) }

// Guest returns the guest name, or an error wrapping ErrNoGuest that names
// CONFDIR/NAME.
func (t *Tree) Guest(name string) (*Guest, error) {
	if g, ok := t.byName[name]; ok {
		return g, nil
	}
	return nil, fmt.Errorf("%s: %w", t.guestPath(name), ErrNoGuest)
}

func (t *Tree) guestPath(name string) string {
	return strings.TrimSuffix(t.Paths.ConfDir, "/") + "/" + name
}

// Managed reports whether vserverx manages guest g's network namespace: its
// spaces/net names a namespace X that has a definition directory
// CONFDIR/.netns/X, or X is the guest's own name.
func (t *Tree) Managed(g *Guest) bool {
	x := g.SharedNetns()
	return x != "" && (t.defs[x] != nil || x == g.Name)
}

// GroupOf returns the group of guest g, or nil when g is not managed.
func (t *Tree) GroupOf(g *Guest) *Group {
	if !t.Managed(g) {
		return nil
	}
	return t.groups[g.SharedNetns()]
}

// Group returns the managed namespace x with its members, or nil when x is
// neither defined (CONFDIR/.netns/x) nor a guest whose spaces/net is x.
func (t *Tree) Group(x string) *Group { return t.groups[x] }

// Groups returns every managed namespace (defined ones, even without
// members, and implicit ones), sorted by name.
func (t *Tree) Groups() []*Group {
	out := make([]*Group, 0, len(t.groups))
	for _, x := range sortedKeys(t.groups) {
		out = append(out, t.groups[x])
	}
	return out
}

// Check returns every problem that concerns guest name: its own files and,
// when spaces/net names a namespace X, X's definition (which includes the
// group-wide checks). An unknown guest is a Problem naming CONFDIR/NAME.
func (t *Tree) Check(name string) Problems {
	g, ok := t.byName[name]
	if !ok {
		return Problems{{File: t.guestPath(name), Msg: "no such guest (no directory of that name in the confdir)"}}
	}
	ps := append(Problems(nil), t.gProbs[name]...)
	if x := g.SharedNetns(); x != "" {
		ps = append(ps, t.top...)
		ps = append(ps, t.nsProbs[x]...)
	}
	return ps
}

// CheckGroup returns every problem of namespace x (its definition, the
// group-wide checks) and of its members. An unknown namespace is a Problem
// naming CONFDIR/.netns/X.
func (t *Tree) CheckGroup(x string) Problems {
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

// CheckAll returns every problem of the confdir: all guests, then all
// namespace definitions, sorted by name.
func (t *Tree) CheckAll() Problems {
	ps := append(Problems(nil), t.top...)
	for _, g := range t.guests {
		ps = append(ps, t.gProbs[g.Name]...)
	}
	for _, x := range sortedKeys(t.nsProbs) {
		ps = append(ps, t.nsProbs[x]...)
	}
	return ps
}
