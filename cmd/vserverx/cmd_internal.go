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
	cmd := a.guestCommand(name, guestCmd{spec: spec(vspace.RewriteCommand, true)}, func(c *cli.Context, env *lifecycle.Env) error {
		fmt.Fprintln(a.stdout, env.VspaceAssignment(name, stripDashDash(c.Args().Slice())))
		return nil
	})
	cmd.SkipFlagParsing = true
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
	cmd := tableCommand(spec(vspace.NetnsExecCommand, true), name)
	cmd.SkipFlagParsing = true
	// CMD is checked before anything is loaded.
	cmd.Action = func(c *cli.Context) error {
		argv := stripDashDash(c.Args().Slice())
		if len(argv) == 0 {
			return usagef("%s: missing CMD", vspace.NetnsExecCommand)
		}
		env, err := a.environment()
		if err != nil {
			return err
		}
		return env.UpAndExec(c.Context, name, argv)
	}
	return cmd
}

func (a *app) teardownCommand(name string) *cli.Command {
	cmd := a.guestCommand(name, guestCmd{spec: spec(vspace.TeardownCommand, true), noArgs: true}, func(c *cli.Context, env *lifecycle.Env) error { return env.TeardownGuest(c.Context, name) })
	return cmd
}
