// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) statusCommand(name string) *cli.Command {
	cmd := a.guestCommand(name, guestCmd{
		name:   "status",
		args:   "[--json]",
		usage:  "show the namespace, its interfaces and processes, and the group; exit 0 running, 3 stopped, 4 unknown (not root)",
		noArgs: true,
		desc: `Shows the guest's namespace (whether it exists), its interfaces (name,
type, MAC, state, addresses), each address util-vserver adds from a
member's own interfaces/ and whether it is there, the processes living in
it, the members of the group and which of them run, how the namespace
differs from its definition (see 'apply'), whether it holds the ruleset of
its nftables file (unchanged file, and no rule changed by hand inside), and
util-vserver's own 'vserver NAME status'.
Exit status as 'vserver NAME status': 0 running, 3 stopped; 4 when that
cannot be seen: without root, whether guests run, the processes and the
interfaces in the namespace are shown as unknown (JSON: running_known,
pids_known and interfaces_known are false).`,
	}, func(c *cli.Context, env *lifecycle.Env) error { return a.runStatus(env, name, c.Bool("json")) })
	cmd.Flags = []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print the status as JSON"}}
	return cmd
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
