// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// markFilter is one --mark value: a guest matches when it carries one
// of marks, or, when invert is set, when it carries none of them.
type markFilter struct {
	arg    string // the option value as given, for messages
	marks  []string
	invert bool
}

// matches reports whether g passes this filter.
func (f markFilter) matches(g *config.Guest) bool {
	carries := false
	for _, m := range g.Marks {
		if slices.Contains(f.marks, strings.TrimSpace(m)) {
			carries = true
			break
		}
	}
	return carries != f.invert
}

// parseMarks reads the --mark values. A value is a comma-separated
// list; "!x" and "~x" invert. A list mixing plain and inverted marks is
// refused: util-vserver reads "a,!b" as "neither a nor b", which nobody
// means; separate --mark options say "a and not b".
func parseMarks(args []string) ([]markFilter, error) {
	var fs []markFilter
	for _, arg := range args {
		f := markFilter{arg: arg}
		plain := false
		for _, item := range strings.Split(arg, ",") {
			item = strings.TrimSpace(item)
			name := strings.TrimLeft(item, "!~")
			if name == "" {
				return nil, fmt.Errorf("%w: --mark %q: empty mark name (allowed: NAME, !NAME or ~NAME, comma-separated)", ErrConfig, arg)
			}
			if name != item {
				f.invert = true
			} else {
				plain = true
			}
			f.marks = append(f.marks, name)
		}
		if plain && f.invert {
			return nil, fmt.Errorf("%w: --mark %q mixes plain and inverted marks (util-vserver would read it as \"none of %s\"); give them as separate --mark options", ErrConfig, arg, strings.Join(f.marks, ", "))
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// node is one guest the plan acts on.
type node struct {
	g        *config.Guest
	name     string
	group    string  // spaces/net namespace; members of one group never run at once
	after    []*node // must finish successfully before this one runs
	before   []*node // wait for this one
	neededBy string  // start-all: pulled in as a dependency of this guest ("" when selected)
	blocked  string  // why it cannot run at all ("" when it can), known at plan time
	wave     int     // 1 + the longest chain of after
}

// ignoredGuest is a guest the marks select but that is never acted on.
type ignoredGuest struct {
	name, why string
}

// wording are the words of the per-guest lines and the summary.
type wording struct {
	command, done, unchanged, doing string
}

var (
	startWording = wording{command: "start-all", done: "started", unchanged: "already running", doing: "starting"}
	stopWording  = wording{command: "stop-all", done: "stopped", unchanged: "already stopped", doing: "stopping"}
)

// plan is the whole run: the nodes in name order, with their order
// constraints, and what was left out.
type plan struct {
	verbs    wording
	nodes    []*node // sorted by name
	ignored  []ignoredGuest
	warnings []string
}

// newPlan selects the guests and follows their dependencies. A broken
// dependency never stops the whole run: for start-all a guest with an
// unknown dependency or on a cycle is blocked (skipped with its reason,
// and so are the guests that need it); for stop-all an unknown entry is
// ignored with a warning and the guests of a cycle are stopped without an
// order among themselves, after the guests that depend on them and before
// the ones they depend on. Only bad options are an error.
func newPlan(guests []*config.Guest, opt Options) (*plan, error) {
	filters, err := parseMarks(opt.Marks)
	if err != nil {
		return nil, err
	}
	p := &plan{verbs: startWording}
	if opt.Stop {
		p.verbs = stopWording
	}
	if len(filters) == 0 && !opt.All {
		return nil, fmt.Errorf("%w: %s needs --mark MARK or --all", ErrConfig, p.verbs.command)
	}
	deps := analyseDepends(guests)
	selected := p.selectGuests(guests, filters)
	if opt.Stop {
		p.warnStop(selected, deps)
		p.linkStop(selected, deps)
	} else {
		p.linkStart(selected, deps)
	}
	p.computeWaves()
	return p, nil
}

// warnStop records, for stop-all, the unknown entries of the selected
// guests' depends (ignored: they cannot name a running guest) and the
// cycles among them (stopped in no particular order), once each.
func (p *plan) warnStop(selected []*config.Guest, deps *depends) {
	cycles := map[int]bool{}
	for _, g := range selected {
		if deps.unknown[g.Name] != nil {
			p.warnings = append(p.warnings, deps.unknownReason(g.Name)+"; ignored")
		}
		if c := deps.cycle[g.Name]; c != nil && !cycles[deps.comp[g.Name]] {
			cycles[deps.comp[g.Name]] = true
			p.warnings = append(p.warnings, fmt.Sprintf("%s; stopped in no particular order among themselves: %s",
				deps.cycleReason(g.Name), strings.Join(cycleMembers(selected, deps, g.Name), ", ")))
		}
	}
}

// cycleMembers returns the selected guests of name's cycle, sorted.
func cycleMembers(selected []*config.Guest, deps *depends, name string) []string {
	var out []string
	for _, g := range selected {
		if deps.sameCycle(g.Name, name) || g.Name == name {
			out = append(out, g.Name)
		}
	}
	return out
}

// selectGuests returns the guests every filter accepts, sorted by name,
// and records the matching ones that are disabled or have no vdir.
func (p *plan) selectGuests(guests []*config.Guest, filters []markFilter) []*config.Guest {
	var sel []*config.Guest
	for _, g := range guests {
		if !matchesAll(g, filters) {
			continue
		}
		if why := unrunnable(g); why != "" {
			p.ignored = append(p.ignored, ignoredGuest{g.Name, why})
			continue
		}
		sel = append(sel, g)
	}
	slices.SortFunc(sel, func(a, b *config.Guest) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(p.ignored, func(a, b ignoredGuest) int { return strings.Compare(a.name, b.name) })
	return sel
}

// matchesAll reports whether g passes every --mark filter.
func matchesAll(g *config.Guest, filters []markFilter) bool {
	for _, f := range filters {
		if !f.matches(g) {
			return false
		}
	}
	return true
}

// unrunnable says why util-vserver's boot would never act on g: it is
// disabled or has no vdir. "" when it would.
func unrunnable(g *config.Guest) string {
	switch {
	case g.Disabled:
		return "disabled (" + g.File("disabled") + " exists)"
	case !g.HasVdir:
		return "no vdir (" + g.File("vdir") + " is missing)"
	}
	return ""
}

// dependsOf returns g's apps/init/depends entries, trimmed, without
// blanks, comments and duplicates, sorted.
func dependsOf(g *config.Guest) []string {
	var out []string
	for _, d := range g.Depends {
		d = strings.TrimSpace(d)
		if d == "" || strings.HasPrefix(d, "#") || slices.Contains(out, d) {
			continue
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// newNode makes the node of g.
func newNode(g *config.Guest) *node {
	return &node{g: g, name: g.Name, group: g.SharedNetns()}
}

// linkStart builds the start-all graph: the selected guests plus every
// dependency they need, each after its dependencies. A needed guest that
// is disabled or has no vdir is not started; a guest with an unknown
// dependency or on a dependency cycle cannot be; the dependants of both
// are blocked.
func (p *plan) linkStart(selected []*config.Guest, deps *depends) {
	nodes := map[string]*node{}
	queue := slices.Clone(selected)
	for _, g := range selected {
		nodes[g.Name] = newNode(g)
	}
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		n := nodes[g.Name]
		if n.blocked = deps.startBlock(g.Name); n.blocked != "" {
			continue // pulls in nothing: it will not start
		}
		for _, d := range deps.known(g.Name) {
			dg := deps.byName[d]
			if why := unrunnable(dg); why != "" {
				if n.blocked == "" {
					n.blocked = fmt.Sprintf("needs %s, which is not started: %s", d, why)
				}
				continue
			}
			dn, ok := nodes[d]
			if !ok {
				dn = newNode(dg)
				dn.neededBy = g.Name
				nodes[d] = dn
				queue = append(queue, dg)
			}
			n.after = append(n.after, dn)
			dn.before = append(dn.before, n)
		}
	}
	p.setNodes(nodes)
}

// linkStop builds the stop-all graph: only the selected guests; one stops
// after every selected guest that depends on it, directly or through
// guests that are not selected. Guests of one cycle get no order among
// themselves.
func (p *plan) linkStop(selected []*config.Guest, deps *depends) {
	nodes := map[string]*node{}
	for _, g := range selected {
		nodes[g.Name] = newNode(g)
	}
	for _, g := range selected {
		n := nodes[g.Name]
		for _, d := range reachable(g, deps) {
			if dn, ok := nodes[d]; ok && !deps.sameCycle(g.Name, d) {
				dn.after = append(dn.after, n)
				n.before = append(n.before, dn)
			}
		}
	}
	p.setNodes(nodes)
}

// reachable returns every known guest g depends on, directly or not,
// sorted (g itself only when it lies on a cycle).
func reachable(g *config.Guest, deps *depends) []string {
	seen := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		for _, d := range deps.known(name) {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(g.Name)
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// setNodes stores the nodes sorted by name, with sorted edges.
func (p *plan) setNodes(nodes map[string]*node) {
	byName := func(a, b *node) int { return strings.Compare(a.name, b.name) }
	for _, n := range nodes {
		p.nodes = append(p.nodes, n)
		slices.SortFunc(n.after, byName)
		slices.SortFunc(n.before, byName)
	}
	slices.SortFunc(p.nodes, byName)
}

// computeWaves sets every node's wave (1 + the longest chain before it)
// and blocks the dependants of blocked nodes. The graph has no cycle:
// edges within a dependency cycle were never added.
func (p *plan) computeWaves() {
	var visit func(n *node) int
	visit = func(n *node) int {
		if n.wave > 0 {
			return n.wave
		}
		w := 1
		for _, a := range n.after {
			w = max(w, visit(a)+1)
			if a.blocked != "" && n.blocked == "" {
				n.blocked = fmt.Sprintf("needs %s, which is skipped", a.name)
			}
		}
		n.wave = w
		return w
	}
	for _, n := range p.nodes {
		visit(n)
	}
}

// printWaves writes the dry-run plan: one line per wave (names sorted),
// then what would be skipped and what the marks select but is ignored.
func (p *plan) printWaves(w io.Writer, jobs int) {
	var waves [][]string
	var skipped []string
	for _, n := range p.nodes {
		if n.blocked != "" {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", n.name, n.blocked))
			continue
		}
		for len(waves) < n.wave {
			waves = append(waves, nil)
		}
		label := n.name
		if n.neededBy != "" {
			label += " (needed by " + n.neededBy + ")"
		}
		waves[n.wave-1] = append(waves[n.wave-1], label)
	}
	fmt.Fprintf(w, "%s --dry-run: %s, at most %d at a time\n", p.verbs.command, guestCount(len(p.nodes)), jobs)
	for i, names := range waves {
		if len(names) > 0 {
			fmt.Fprintf(w, "wave %d: %s\n", i+1, strings.Join(names, ", "))
		}
	}
	for _, grp := range p.groups() {
		fmt.Fprintf(w, "one at a time, namespace %s: %s\n", grp[0], strings.Join(grp[1:], ", "))
	}
	for _, s := range skipped {
		fmt.Fprintf(w, "skip: %s\n", s)
	}
	for _, ig := range p.ignored {
		fmt.Fprintf(w, "ignore: %s (%s)\n", ig.name, ig.why)
	}
}

// dryRunCode is the exit code of a dry run: what the run would return
// if every guest that is not blocked beforehand succeeded.
func (p *plan) dryRunCode() int {
	var t tally
	for _, n := range p.nodes {
		if n.blocked != "" {
			t.add(n.name, outcomeSkipped)
		} else {
			t.add(n.name, outcomeDone)
		}
	}
	return t.exitCode()
}

// guestCount is "1 guest" or "N guests".
func guestCount(n int) string {
	if n == 1 {
		return "1 guest"
	}
	return fmt.Sprintf("%d guests", n)
}

// groups returns, for every namespace shared by several nodes, the
// namespace name followed by its members' names, sorted by namespace.
func (p *plan) groups() [][]string {
	members := map[string][]string{}
	for _, n := range p.nodes {
		if n.group != "" {
			members[n.group] = append(members[n.group], n.name)
		}
	}
	var out [][]string
	for x, names := range members {
		if len(names) > 1 {
			out = append(out, append([]string{x}, names...))
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}
