// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) applyCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{spec: spec("apply", true), noArgs: true, root: true}, func(c *cli.Context, env *lifecycle.Env) error {
		return env.Apply(c.Context, name, lifecycle.ApplyOptions{DryRun: c.Bool("dry-run"), Recreate: c.Bool("recreate")})
	})
}
