// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// routingSteps are the changes of X's routes and rules: vserverx's own
// (route protocol netns.RouteProtocol) that the routes and rules files no
// longer name are removed, then those the files name and X lacks are
// added. Routes and rules someone else added are never touched. A route
// through an interface that an earlier step removes or recreates goes
// with it and is added again. The default routes of the main table
// through vserverx's links are the interfaces' (gateway files), handled
// with them.
func (d differ) routingSteps() []applyStep {
	gone := d.goneLinks()
	var keep []netns.RouteEntry
	var out []applyStep
	for _, e := range d.held.routing.Routes {
		switch {
		case !e.Own() || gone[e.Dev]:
		case slices.ContainsFunc(d.def.Routes, func(r config.Route) bool { return netns.RouteMatches(e, r) }):
			keep = append(keep, e)
		case !d.interfaceDefault(e):
			out = append(out, d.removeRoutingStep("route", e.Text, d.file(config.NSRoutes),
				func(ns *netns.NS) (netns.Undo, error) { return netns.RemoveRoute(ns, e) }))
		}
	}
	var keepRules []netns.RuleEntry
	for _, e := range d.held.routing.Rules {
		switch {
		case !e.Own():
		case slices.ContainsFunc(d.def.Rules, func(r config.Rule) bool { return netns.RuleMatches(e, r) }):
			keepRules = append(keepRules, e)
		default:
			out = append(out, d.removeRoutingStep("rule", e.Text, d.file(config.NSRules),
				func(ns *netns.NS) (netns.Undo, error) { return netns.RemoveRule(ns, e) }))
		}
	}
	return append(out, d.addRoutingSteps(keep, keepRules)...)
}

// addRoutingSteps adds the defined routes and rules that none of those
// X keeps matches.
func (d differ) addRoutingSteps(keep []netns.RouteEntry, keepRules []netns.RuleEntry) []applyStep {
	var out []applyStep
	for _, r := range d.def.Routes {
		if slices.ContainsFunc(keep, func(e netns.RouteEntry) bool { return netns.RouteMatches(e, r) }) {
			continue
		}
		out = append(out, d.addRoutingStep(fmt.Sprintf("add route %s (%s)", routeText(r), r.Where()),
			func(ns *netns.NS) (netns.Undo, error) { return netns.AddRoute(ns, r) }))
	}
	for _, r := range d.def.Rules {
		if slices.ContainsFunc(keepRules, func(e netns.RuleEntry) bool { return netns.RuleMatches(e, r) }) {
			continue
		}
		out = append(out, d.addRoutingStep(fmt.Sprintf("add rule %s (%s)", r, r.Where()),
			func(ns *netns.NS) (netns.Undo, error) { return netns.AddRule(ns, r) }))
	}
	return out
}

// file is the path of an entry of the definition, for messages.
func (d differ) file(name string) string { return filepath.Join(d.def.Dir, name) }

// removeRoutingStep removes one of vserverx's routes or rules.
func (d differ) removeRoutingStep(what, text, file string, do func(*netns.NS) (netns.Undo, error)) applyStep {
	return d.addRoutingStep(fmt.Sprintf("remove %s %s (not in %s)", what, text, file), do)
}

// addRoutingStep is one change of the routing with its title.
func (d differ) addRoutingStep(title string, do func(*netns.NS) (netns.Undo, error)) applyStep {
	return applyStep{insideStep: insideStep{
		Step: Step{Title: title},
		do:   func(_ context.Context, ns *netns.NS) (netns.Undo, error) { return do(ns) },
	}}
}

// goneLinks are the names of vserverx's links that an earlier step
// removes or recreates (their routes go with them).
func (d differ) goneLinks() map[string]bool {
	gone := map[string]bool{}
	for i := range d.held.links {
		o := &d.held.links[i]
		ifc := d.defined(o.Num)
		if ifc == nil || len(recreateReasons(d.def, ifc, o)) > 0 {
			gone[o.Name] = true
		}
	}
	return gone
}

// interfaceDefault reports whether e is a default route of the main table
// via a gateway through one of vserverx's links: the interface steps
// compare those with the gateway files.
func (d differ) interfaceDefault(e netns.RouteEntry) bool {
	if e.Table != config.TableMain || e.Dst.Bits() != 0 || !e.Via.IsValid() {
		return false
	}
	return slices.ContainsFunc(d.held.links, func(o netns.ObservedLink) bool { return o.Name == e.Dev })
}

// routesFileDefault reports whether the routes file names default route
// r of link o (the interface steps leave it alone then).
func (d differ) routesFileDefault(o *netns.ObservedLink, r netns.ObservedRoute) bool {
	return slices.ContainsFunc(d.def.Routes, func(rt config.Route) bool {
		return rt.Table == config.TableMain && rt.Dst.Bits() == 0 && rt.Via == r.Gateway && (rt.Dev == "" || rt.Dev == o.Name)
	})
}
