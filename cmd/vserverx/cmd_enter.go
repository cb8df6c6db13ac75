// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) enterCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{
		name:  "enter",
		args:  "[-- CMD [ARGS...]]",
		usage: "run a shell (or CMD) inside the guest's network namespace, like 'ip netns exec'",
		root:  true,
		desc: `Runs $SHELL (else /bin/sh), or CMD, on the host side inside the guest's
network namespace, as 'ip netns exec X' does: in its own mount namespace with
/ made rslave, a fresh /sys, and each /etc/netns/X/* bound over /etc.
VSERVERX_NETNS=X is set so a prompt can show it. Exits with CMD's code.`,
	}, func(c *cli.Context, env *lifecycle.Env) error {
		return env.Enter(c.Context, name, stripDashDash(c.Args().Slice()))
	})
}
