// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) setupCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{
		name:   "setup",
		usage:  "install the scriptlets and namespace-cleanup-skip entry util-vserver needs",
		noArgs: true,
		desc: `For a guest vserverx manages, installs (idempotently):
  CONFDIR/NAME/scripts/prepre-start.d/vserverx   (sourced: rewrites VSPACE_SHARED_CMD)
  CONFDIR/NAME/scripts/postpost-stop.d/vserverx  (tears the namespace down after a plain 'vserver NAME stop')
  NETNS_DIR/X in CONFDIR/NAME/namespace-cleanup-skip
  CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave (when missing)
and prints what it changed (nothing with -q). Other lines of namespace-cleanup-skip are kept.`,
	}, func(_ *cli.Context, env *lifecycle.Env) error { return a.runSetup(env, name) })
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
