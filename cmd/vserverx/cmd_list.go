// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) listCommand() *cli.Command {
	cmd := tableCommand(spec("list", false), "")
	cmd.Action = func(c *cli.Context) error {
		env, err := a.environmentNoArgs(c)
		if err != nil {
			return err
		}
		list, err := env.List()
		if err != nil {
			return err
		}
		switch {
		case c.Bool("running-any"):
			if !list.Known() {
				return outcome(cmdtable.ExitUnknown)
			}
			if !list.AnyRunning() {
				return outcome(cmdtable.ExitStopped)
			}
			return nil
		case c.Bool("json"):
			if list == nil {
				list = lifecycle.GroupList{} // [] rather than null
			}
			return printJSON(a.stdout, list)
		}
		list.Print(a.stdout)
		return nil
	}
	return cmd
}
