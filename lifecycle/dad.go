// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// dadStep waits, after the interface steps and before the routes, until
// the namespace's IPv6 addresses have finished duplicate address
// detection (netns.WaitDAD), so that a guest's daemon can bind them at
// start. It is in the plan only when an interface with dad wait has an
// IPv6 address: IPv4-only starts do not wait.
func (e *Env) dadStep(def *config.Namespace) (insideStep, bool) {
	names := dadWaitNames(def)
	if len(names) == 0 {
		return insideStep{}, false
	}
	return insideStep{
		Step: Step{
			Title:   fmt.Sprintf("wait until the IPv6 addresses on %s have finished duplicate address detection (dad wait)", strings.Join(names, ", ")),
			Details: []string{"an address another host on the link already uses makes start refuse and undo"},
		},
		do: func(ctx context.Context, ns *netns.NS) (netns.Undo, error) {
			return netns.NoUndo, e.waitDAD(ctx, ns, def)
		},
	}, true
}

// waitDAD is netns.WaitDAD with its progress and warnings printed.
func (e *Env) waitDAD(ctx context.Context, ns *netns.NS, def *config.Namespace) error {
	warnings, err := netns.WaitDAD(ctx, ns, def, func(s string) { e.infof("%s", s) })
	for _, w := range warnings {
		e.warnf("warning: %s", w)
	}
	return err
}

// dadWaitNames are the names of def's interfaces whose IPv6 addresses the
// dad step waits for.
func dadWaitNames(def *config.Namespace) []string {
	var names []string
	for _, ifc := range netns.DADInterfaces(def) {
		names = append(names, ifc.Name)
	}
	return names
}

// applyDADStep waits, after apply's other steps, until the IPv6 addresses
// on the interfaces those steps created, recreated, brought UP or gave an
// IPv6 address have finished duplicate address detection, when they have
// dad wait: so that apply does not report success while such an address
// is tentative. An address that fails makes apply undo its steps. It is in
// the plan only when needed: an apply that changes nothing IPv6 does not
// wait.
func (e *Env) applyDADStep(def *config.Namespace, steps []applyStep) (applyStep, bool) {
	sub := *def
	sub.Interfaces = nil
	for _, s := range steps {
		if s.dad != nil && !slices.ContainsFunc(sub.Interfaces, func(i config.Interface) bool { return i.Num == s.dad.Num }) {
			sub.Interfaces = append(sub.Interfaces, *s.dad)
		}
	}
	s, ok := e.dadStep(&sub)
	if !ok {
		return applyStep{}, false
	}
	s.Details = []string{"an address another host on the link already uses makes apply fail and undo the changes above"}
	return applyStep{insideStep: s}, true
}
