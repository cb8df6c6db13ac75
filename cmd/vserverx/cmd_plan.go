// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) planCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{spec: spec("plan", true), words: true}, func(c *cli.Context, env *lifecycle.Env) error { return a.runPlan(env, name, c.Args().Slice()) })
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
