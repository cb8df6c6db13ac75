// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// depends is what the apps/init/depends files of a whole confdir say,
// analysed once: which entries name no guest and which guests lie on a
// dependency cycle. start-all, stop-all and check-all read the same
// analysis, so that what check-all reports is what the boot does.
type depends struct {
	byName  map[string]*config.Guest
	unknown map[string][]string // guest -> its entries that name no guest, sorted
	cycle   map[string][]string // guest -> a cycle through it (g -> ... -> g)
	comp    map[string]int      // guest -> strongly connected component
}

// analyseDepends reads the depends entries of every guest.
func analyseDepends(guests []*config.Guest) *depends {
	d := &depends{
		byName:  make(map[string]*config.Guest, len(guests)),
		unknown: map[string][]string{},
		cycle:   map[string][]string{},
	}
	for _, g := range guests {
		d.byName[g.Name] = g
	}
	for _, g := range guests {
		for _, dep := range dependsOf(g) {
			if _, ok := d.byName[dep]; !ok {
				d.unknown[g.Name] = append(d.unknown[g.Name], dep)
			}
		}
	}
	d.comp = d.components()
	for _, g := range guests {
		if c := d.cycleThrough(g.Name); c != nil {
			d.cycle[g.Name] = c
		}
	}
	return d
}

// known returns g's dependencies that name a guest of the confdir.
func (d *depends) known(name string) []string {
	var out []string
	for _, dep := range dependsOf(d.byName[name]) {
		if _, ok := d.byName[dep]; ok {
			out = append(out, dep)
		}
	}
	return out
}

// sameCycle reports whether a and b lie on one dependency cycle (an edge
// between them cannot be ordered).
func (d *depends) sameCycle(a, b string) bool {
	return d.comp[a] == d.comp[b] && (a != b || d.cycle[a] != nil)
}

// components numbers the strongly connected components of the
// dependency graph (Tarjan's algorithm, guests in name order, so the
// numbering is the same on every run).
func (d *depends) components() map[string]int {
	t := tarjan{d: d, index: map[string]int{}, low: map[string]int{}, onStack: map[string]bool{}, comp: map[string]int{}}
	for _, name := range sortedNames(d.byName) {
		if _, seen := t.index[name]; !seen {
			t.visit(name)
		}
	}
	return t.comp
}

// tarjan is the state of one run of Tarjan's algorithm.
type tarjan struct {
	d       *depends
	next    int
	index   map[string]int
	low     map[string]int
	onStack map[string]bool
	stack   []string
	comp    map[string]int
	ncomp   int
}

// visit is Tarjan's strongconnect.
func (t *tarjan) visit(v string) {
	t.index[v], t.low[v] = t.next, t.next
	t.next++
	t.stack = append(t.stack, v)
	t.onStack[v] = true
	for _, w := range t.d.known(v) {
		if _, seen := t.index[w]; !seen {
			t.visit(w)
			t.low[v] = min(t.low[v], t.low[w])
		} else if t.onStack[w] {
			t.low[v] = min(t.low[v], t.index[w])
		}
	}
	if t.low[v] != t.index[v] {
		return
	}
	for {
		w := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		t.onStack[w] = false
		t.comp[w] = t.ncomp
		if w == v {
			break
		}
	}
	t.ncomp++
}

// cycleThrough returns the shortest dependency cycle from name back to
// itself (name -> ... -> name), or nil when name lies on none. Only
// guests of name's component can be on it.
func (d *depends) cycleThrough(name string) []string {
	prev := map[string]string{}
	queue := []string{name}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range d.known(v) {
			if w == name {
				return pathBack(prev, name, v)
			}
			if _, seen := prev[w]; seen || d.comp[w] != d.comp[name] {
				continue
			}
			prev[w] = v
			queue = append(queue, w)
		}
	}
	return nil
}

// pathBack returns name -> ... -> last -> name from the breadth-first
// search's predecessors.
func pathBack(prev map[string]string, name, last string) []string {
	path := []string{name}
	for v := last; v != name; v = prev[v] {
		path = append(path, v)
	}
	slices.Reverse(path[1:])
	return append(path, name)
}

// sortedNames returns the keys of m, sorted.
func sortedNames(m map[string]*config.Guest) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// dependsFile is the apps/init/depends file of the guest name.
func (d *depends) dependsFile(name string) string {
	return d.byName[name].File("apps/init/depends")
}

// unknownMsg says which entries of a guest's depends name no guest.
func (d *depends) unknownMsg(name string) string {
	g := d.byName[name]
	parts := make([]string, len(d.unknown[name]))
	for i, u := range d.unknown[name] {
		parts[i] = fmt.Sprintf("%q (no directory %s)", u, filepath.Join(filepath.Dir(g.Dir), u))
	}
	return "unknown guest " + strings.Join(parts, ", ")
}

// unknownReason is why a guest with entries naming no guest is not
// started: the same words in start-all's line and in check-all.
func (d *depends) unknownReason(name string) string {
	return d.dependsFile(name) + ": " + d.unknownMsg(name)
}

// cycleReason is why a guest on a dependency cycle is not started (and
// why stop-all cannot order it among the others of its cycle).
func (d *depends) cycleReason(name string) string {
	c := d.cycle[name]
	files := make([]string, len(c)-1)
	for i, n := range c[:len(c)-1] {
		files[i] = d.dependsFile(n)
	}
	return fmt.Sprintf("dependency cycle %s (see %s)", strings.Join(c, " -> "), strings.Join(files, ", "))
}

// startBlock is why start-all cannot start g whatever happens to the
// others ("" when it can): an unknown dependency or a cycle.
func (d *depends) startBlock(name string) string {
	switch {
	case d.unknown[name] != nil:
		return d.unknownReason(name)
	case d.cycle[name] != nil:
		return d.cycleReason(name)
	}
	return ""
}
