// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) checkCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{
		name:   "check",
		usage:  "validate the guest's and its namespace's configuration; change nothing",
		noArgs: true,
		desc: `Reads the guest's confdir and its namespace definition (CONFDIR/.netns/X),
validates every value, checks that 'setup' was run (scriptlets and the
namespace-cleanup-skip entry), checks what util-vserver will do with the
guest's own interfaces/ inside the namespace (a dev the namespace will not
have, addresses configured twice), checks the namespace's nftables ruleset
with 'nft -c -f' in a throwaway network namespace (never the guest's, never
the host's; a namespace that forwards between two or more interfaces without
one gets a warning), names scriptlets that manage network
namespaces besides vserverx (file and line), and names guests whose own
initialize scriptlets would bypass the host-wide mount protection. Reports
every problem with the file it is about; warnings are printed but do not
count. Exit 0 when there is no problem, 1 otherwise. Run as root, it also
warns when the running group's namespace differs from its definition (see
'apply') and names routes and rules in it that vserverx did not add and the
definition does not explain. Needs no root and changes nothing.`,
	}, func(c *cli.Context, env *lifecycle.Env) error { return a.runCheck(c.Context, env, name) })
}

// runCheck prints every problem of the guest and its group.
func (a *app) runCheck(ctx context.Context, env *lifecycle.Env, name string) error {
	problems := env.Tree.Check(name)
	g, gerr := env.Tree.Guest(name)
	if gerr == nil && len(problems) == 0 {
		problems = append(problems, a.rulesetProblems(ctx, g)...)
	}
	if gerr == nil {
		problems = append(problems, env.GuestNetworkProblems(g)...)
		problems = append(problems, a.setupProblems(g)...)
		a.printAdoptHint(g)
	}
	for _, p := range problems {
		fmt.Fprintln(a.stdout, p.Error())
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return fmt.Errorf("guest %s: %d problem(s) found", name, len(errs))
	}
	a.printCheckOK(g)
	a.printDrift(g)
	return nil
}

// printDrift warns when the running group's namespace differs from its
// definition. Reading the namespace needs root; without it nothing is said.
func (a *app) printDrift(g *config.Guest) {
	grp := a.env.Tree.GroupOf(g)
	if grp == nil {
		return
	}
	drift, err := a.env.Drift(grp)
	if err != nil {
		if os.Geteuid() == 0 {
			fmt.Fprintf(a.stderr, "vserverx: warning: cannot compare namespace %s with its definition: %v\n", grp.NS.Name, err)
		}
		return
	}
	if len(drift) > 0 {
		fmt.Fprintln(a.stdout, "warning: "+lifecycle.DriftText(grp.NS.Name, g.Name, drift))
	}
	a.printUndefinedRouting(grp)
}

// printUndefinedRouting warns about routes and rules in the running
// group's namespace that someone other than vserverx added.
func (a *app) printUndefinedRouting(grp *config.Group) {
	items, err := a.env.UndefinedRouting(grp)
	if err == nil && len(items) > 0 {
		fmt.Fprintln(a.stdout, "warning: "+lifecycle.UndefinedRoutingText(grp.NS.Name, items))
	}
}

// rulesetProblems checks the nftables ruleset of g's namespace (nft -c
// in a throwaway network namespace), or warns when it forwards unfiltered.
func (a *app) rulesetProblems(ctx context.Context, g *config.Guest) config.Problems {
	grp := a.env.Tree.GroupOf(g)
	if grp == nil {
		return nil
	}
	return a.env.RulesetProblems(ctx, grp.NS)
}

// setupProblems are the problems `setup` would fix, and guests bypassing
// the host-wide mount protection.
func (a *app) setupProblems(g *config.Guest) config.Problems {
	env := a.env
	grp := env.Tree.GroupOf(g)
	if grp == nil {
		return nil
	}
	problems := env.Setup.Check(g, grp.NS.Name)
	return append(problems, env.Setup.Bypassing(env.Tree.Guests())...)
}

func (a *app) printCheckOK(g *config.Guest) {
	grp := a.env.Tree.GroupOf(g)
	if grp == nil {
		fmt.Fprintf(a.stdout, "guest %s: OK (not managed by vserverx: vserver commands are passed through unchanged)\n", g.Name)
		return
	}
	fmt.Fprintf(a.stdout, "guest %s: OK (namespace %s, %d interface(s), group: %v)\n",
		g.Name, grp.NS.Name, len(grp.NS.Interfaces), grp.MemberNames())
}
