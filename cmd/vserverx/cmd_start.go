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
func wrapped(cmd, usage, desc string) guestCmd {
	return guestCmd{name: cmd, args: "[ARGS...]", usage: usage, desc: desc, words: true, root: true}
}

func (a *app) startCommand(name string) *cli.Command {
	return a.guestCommand(name, wrapped("start", "set up the namespace, then run 'vserver NAME start ARGS...' inside it",
		`Validates the guest and its namespace definition, takes the namespace lock,
creates the named network namespace (or joins it), loads its nftables
ruleset inside it before any interface is UP, converges its interfaces,
applies sysctls, runs vprocunhide inside it, then runs util-vserver's
'vserver NAME start ARGS...' inside it with VSERVERX_NETNS set. If that
fails, everything this call created is undone (unless another process
already lives in the namespace). A guest vserverx does not manage is passed
to 'vserver NAME start' unchanged. 'vserverx NAME plan' shows the steps.`),
		func(c *cli.Context, env *lifecycle.Env) error {
			a.interruptible()
			return env.Start(c.Context, name, c.Args().Slice())
		})
}

func (a *app) stopCommand(name string) *cli.Command {
	return a.guestCommand(name, wrapped("stop", "run 'vserver NAME stop ARGS...' inside the namespace, then remove the namespace when unused",
		`Runs util-vserver's 'vserver NAME stop ARGS...' inside the guest's namespace
(plainly when the namespace is gone), then, under the namespace lock, removes
the namespace and the links vserverx created when no process is left in it
and no other member of the group runs; otherwise it says who still uses it.
Stopping a stopped guest still removes leftovers of a crash.`),
		func(c *cli.Context, env *lifecycle.Env) error {
			a.interruptible()
			return env.Stop(c.Context, name, c.Args().Slice())
		})
}

func (a *app) restartCommand(name string) *cli.Command {
	return a.guestCommand(name, wrapped("restart", "stop, then start (ARGS go to start)",
		`Stops the guest as 'stop' does (removing an unused namespace), then starts
it as 'start' does with ARGS.`),
		func(c *cli.Context, env *lifecycle.Env) error {
			a.interruptible()
			return env.Restart(c.Context, name, c.Args().Slice())
		})
}
