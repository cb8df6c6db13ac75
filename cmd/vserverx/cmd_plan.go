// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) planCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{
		name:  "plan",
		args:  "[ARGS...]",
		usage: "print the steps 'start' would take; change nothing",
		words: true,
		desc: `Prints, in order, the steps 'vserverx NAME start ARGS...' takes: the lock,
creating or joining the namespace, loading its nftables ruleset, each interface (type, parent, temporary
and final name, MAC, MTU, addresses, routes), sysctls, vprocunhide and the
exact vserver command line; before them, the addresses util-vserver adds
inside the namespace from each member's own interfaces/ (and on which
interface), and warnings about them. It is the same plan object 'start'
executes.
Needs no root and changes nothing. Exit 1 when the configuration has
problems or 'start' would refuse.`,
	}, func(c *cli.Context, env *lifecycle.Env) error { return a.runPlan(env, name, c.Args().Slice()) })
}

// runPlan prints the plan of `start ARGS...` and whether start would refuse.
func (a *app) runPlan(env *lifecycle.Env, name string, args []string) error {
	m, err := env.Resolve(name)
	if err != nil {
		return err
	}
	if m.Group == nil {
		fmt.Fprintf(a.stdout, "guest %s is not managed by vserverx: start runs 'vserver %s start' unchanged\n", name, name)
		return nil
	}
	env.StartPlan(m, args).Print(a.stdout)
	if err := env.Refusal(m); err != nil {
		return fmt.Errorf("start would refuse: %w", err)
	}
	return nil
}
