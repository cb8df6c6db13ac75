// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle/boot"
)

func (a *app) checkAllCommand() *cli.Command {
	return &cli.Command{
		Name:      "check-all",
		Usage:     "validate the whole confdir (every guest, every namespace definition, the boot order); change nothing",
		UsageText: "vserverx [global options] check-all [--mark M]...",
		Description: `Reads every guest of the confdir and every namespace definition
(CONFDIR/.netns/X), validates every value, including what spans several
definitions (veth host-side names used twice), checks every nftables
ruleset as 'check' does, and lists every problem with the file it is about.
It also reads the boot order as start-all and
stop-all would: an apps/init/depends entry naming no guest, a dependency
cycle (a guest depending on itself included) and a dependency on a guest
that is disabled or has no vdir are errors, in the words start-all uses
when it skips such a guest. With --mark (as given to start-all) a mark
that selects no guest is a warning. Warnings are printed and do not
fail. Exit 0 when there is no error, 1 otherwise. Needs no root and
changes nothing.`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "mark", Aliases: []string{"m"}, Usage: "also check the selection start-all --mark `MARK` would make"},
		},
		Action: func(c *cli.Context) error {
			env, err := a.environmentNoArgs(c)
			if err != nil {
				return err
			}
			problems := env.Tree.CheckAll()
			if len(problems.Errors()) == 0 {
				for _, grp := range env.Tree.Groups() {
					problems = append(problems, env.RulesetProblems(c.Context, grp.NS)...)
				}
			}
			problems = append(problems, boot.Check(env.Tree.Guests(), c.StringSlice("mark"))...)
			for _, p := range problems {
				fmt.Fprintln(a.stdout, p.Error())
			}
			if n := len(problems.Errors()); n > 0 {
				return fmt.Errorf("confdir %s: %d problem(s) found", env.Paths.ConfDir, n)
			}
			fmt.Fprintf(a.stdout, "confdir %s: OK (%d guest(s), %d managed namespace(s))\n",
				env.Paths.ConfDir, len(env.Tree.Guests()), len(env.Tree.Groups()))
			return nil
		},
	}
}
