// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

// wrapped is a guest command that wraps util-vserver's command of the same
// name: every argument after it goes to util-vserver unchanged (flags too),
// except a lone --help; it needs root.
func wrapped(cmd string) guestCmd {
	return guestCmd{spec: spec(cmd, true), words: true, root: true}
}

func (a *app) startCommand(name string) *cli.Command {
	return a.guestCommand(name, wrapped("start"),
		func(c *cli.Context, env *lifecycle.Env) error {
			a.interruptible()
			return env.Start(c.Context, name, c.Args().Slice())
		})
}

func (a *app) stopCommand(name string) *cli.Command {
	return a.guestCommand(name, wrapped("stop"),
		func(c *cli.Context, env *lifecycle.Env) error {
			a.interruptible()
			return env.Stop(c.Context, name, c.Args().Slice())
		})
}

func (a *app) restartCommand(name string) *cli.Command {
	return a.guestCommand(name, wrapped("restart"),
		func(c *cli.Context, env *lifecycle.Env) error {
			a.interruptible()
			return env.Restart(c.Context, name, c.Args().Slice())
		})
}
