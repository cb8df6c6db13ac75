// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) setupCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{spec: spec("setup", true), noArgs: true}, func(_ *cli.Context, env *lifecycle.Env) error { return a.runSetup(env, name) })
}

// runSetup installs what the guest needs and prints what it changed.
func (a *app) runSetup(env *lifecycle.Env, name string) error {
	m, err := env.Resolve(name)
	if err != nil {
		return err
	}
	if m.Group == nil {
		return fmt.Errorf("guest %s: %w; nothing to set up", name, lifecycle.ErrNotManaged)
	}
	actions, err := env.Setup.Install(m.Guest, m.NS())
	for _, act := range actions {
		if !a.g.quiet {
			fmt.Fprintf(a.stdout, "%s: %s\n", act.Path, act.What)
		}
	}
	if err != nil {
		return err
	}
	if len(actions) == 0 && !a.g.quiet {
		fmt.Fprintf(a.stdout, "guest %s: already set up for namespace %s\n", name, m.NS())
	}
	return nil
}
