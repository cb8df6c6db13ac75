// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) enterCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{spec: spec("enter", true), root: true}, func(c *cli.Context, env *lifecycle.Env) error {
		return env.Enter(c.Context, name, stripDashDash(c.Args().Slice()))
	})
}
