// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) statusCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{spec: spec("status", true), noArgs: true}, func(c *cli.Context, env *lifecycle.Env) error { return a.runStatus(env, name, c.Bool("json")) })
}

// runStatus prints the guest's status, as JSON when asJSON, and leaves
// with its exit code.
func (a *app) runStatus(env *lifecycle.Env, name string, asJSON bool) error {
	st, err := env.Status(name)
	if err != nil {
		return err
	}
	if asJSON {
		if err := printJSON(a.stdout, st); err != nil {
			return err
		}
	} else {
		st.Print(a.stdout)
	}
	return outcomeOf(st.ExitCode())
}
