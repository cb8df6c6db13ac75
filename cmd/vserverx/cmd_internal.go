// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/vspace"
)

// The commands below are called by the scriptlets `setup` installs, from
// inside util-vserver; they are hidden from --help but documented in
// vserverx(8) under INTERNAL COMMANDS.

func (a *app) vspaceRewriteCommand(name string) *cli.Command {
	// Not words: every word, also a lone --help, belongs to util-vserver.
	cmd := a.guestCommand(name, guestCmd{
		name:  vspace.RewriteCommand,
		args:  "-- WORDS...",
		usage: "print util-vserver's VSPACE_SHARED_CMD array rewritten for the guest's namespace (used by the prepre-start scriptlet)",
	}, func(c *cli.Context, env *lifecycle.Env) error {
		fmt.Fprintln(a.stdout, env.VspaceAssignment(name, stripDashDash(c.Args().Slice())))
		return nil
	})
	cmd.Hidden, cmd.SkipFlagParsing = true, true
	return cmd
}

// stripDashDash drops a leading "--".
func stripDashDash(args []string) []string {
	if len(args) > 0 && args[0] == "--" {
		return args[1:]
	}
	return args
}

func (a *app) netnsExecCommand(name string) *cli.Command {
	s := guestCmd{
		name:  vspace.NetnsExecCommand,
		args:  "-- CMD [ARGS...]",
		usage: "set up the guest's namespace and exec CMD inside it (the prefix a plain 'vserver NAME start' runs)",
	}
	return &cli.Command{
		Name:            s.name,
		Usage:           s.usage,
		UsageText:       s.usageText(name),
		Hidden:          true,
		SkipFlagParsing: true,
		// CMD is checked before anything is loaded.
		Action: func(c *cli.Context) error {
			argv := stripDashDash(c.Args().Slice())
			if len(argv) == 0 {
				return usagef("%s: missing CMD", vspace.NetnsExecCommand)
			}
			env, err := a.environment()
			if err != nil {
				return err
			}
			return env.UpAndExec(c.Context, name, argv)
		},
	}
}

func (a *app) teardownCommand(name string) *cli.Command {
	cmd := a.guestCommand(name, guestCmd{
		name:   vspace.TeardownCommand,
		usage:  "remove the guest's namespace when no process and no other member uses it (used by the postpost-stop scriptlet)",
		noArgs: true,
	}, func(c *cli.Context, env *lifecycle.Env) error { return env.TeardownGuest(c.Context, name) })
	cmd.Hidden = true
	return cmd
}
