// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) applyCommand(name string) *cli.Command {
	cmd := a.guestCommand(name, guestCmd{
		name:   "apply",
		args:   "[--dry-run] [--recreate]",
		usage:  "change the running group's namespace to match its definition, without restarting the guests",
		noArgs: true,
		root:   true,
		desc: `Compares the definition of the guest's namespace X (CONFDIR/.netns/X: any
member of the group names the whole namespace) with what X holds - the links
carrying vserverx's alias, their MAC, MTU, addresses, default routes and UP
state, the sysctls of sysctl/ - and, under X's lock, prints the difference as
numbered steps and makes it: creates missing interfaces, adds and removes
addresses and default routes, sets MTU, UP and sysctls, removes interfaces
whose definition was deleted, and first of all replaces a ruleset that is
not what the nftables file produces, as a whole in one transaction. An address or default route is removed only
when it is configured (not link-local or learnt by the kernel), not in the
definition and not in a member's util-vserver interfaces/. Links without
vserverx's alias and the guests are never touched. A change that deletes an
interface and creates it again (type, name, parent, VLAN id, macvlan mode,
MAC, phys device, veth host side) breaks connections on it and is refused
unless --recreate is given. When a change fails, the ones made before it are
undone in reverse order. X must exist (a member runs); a stopped group is
converged by 'start'. Exit 0 when done or nothing to do, 1 otherwise.`,
	}, func(c *cli.Context, env *lifecycle.Env) error {
		return env.Apply(c.Context, name, lifecycle.ApplyOptions{DryRun: c.Bool("dry-run"), Recreate: c.Bool("recreate")})
	})
	cmd.Flags = []cli.Flag{
		&cli.BoolFlag{Name: "dry-run", Usage: "print the changes; make none"},
		&cli.BoolFlag{Name: "recreate", Usage: "also make changes that delete an interface and create it again"},
	}
	return cmd
}
