// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// routingStep adds the namespace's routes and policy rules (its routes
// and rules files): after the interfaces and their addresses, which the
// routes need, and before the sysctls, so that forwarding is switched on
// only once the routes are in place.
func routingStep(def *config.Namespace) (insideStep, bool) {
	if len(def.Routes) == 0 && len(def.Rules) == 0 {
		return insideStep{}, false
	}
	var d []string
	for _, r := range def.Routes {
		d = append(d, fmt.Sprintf("route %s (%s)", routeText(r), r.Where()))
	}
	for _, r := range def.Rules {
		d = append(d, fmt.Sprintf("rule %s (%s)", r, r.Where()))
	}
	d = append(d, fmt.Sprintf("each with route protocol %d (%s), so that vserverx touches only its own", netns.RouteProtocol, netns.RouteProtocolName))
	return insideStep{
		Step: Step{Title: fmt.Sprintf("add %d route(s) and %d policy rule(s) inside %s", len(def.Routes), len(def.Rules), def.Name), Details: d},
		do: func(_ context.Context, ns *netns.NS) (netns.Undo, error) {
			return netns.EnsureRouting(ns, def)
		},
	}, true
}

// routeText is a route as the routes file writes it, with its table when
// it is main (so that a reader sees which table it goes to).
func routeText(r config.Route) string {
	s := r.String()
	if r.Table == config.TableMain {
		s += " (table main)"
	}
	return s
}
