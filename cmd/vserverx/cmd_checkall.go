package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func (a *app) checkAllCommand() *cli.Command {
	return &cli.Command{
		Name:      "check-all",
		Usage:     "validate the whole confdir (every guest, every namespace definition); change nothing",
		UsageText: "vserverx [global options] check-all",
		Description: `Reads every guest of the confdir and every namespace definition
(CONFDIR/.netns/X), validates every value, including what spans several
definitions (veth host-side names used twice), and lists every problem with
the file it is about. Exit 0 when there is none, 1 otherwise. Needs no root
and changes nothing.`,
		Action: func(c *cli.Context) error {
			env, err := a.environmentNoArgs(c)
			if err != nil {
				return err
			}
			problems := env.Tree.CheckAll()
			for _, p := range problems {
				fmt.Fprintln(a.stdout, p.Error())
			}
			if len(problems) > 0 {
				return fmt.Errorf("confdir %s: %d problem(s) found", env.Paths.ConfDir, len(problems))
			}
			fmt.Fprintf(a.stdout, "confdir %s: OK (%d guest(s), %d managed namespace(s))\n",
				env.Paths.ConfDir, len(env.Tree.Guests()), len(env.Tree.Groups()))
			return nil
		},
	}
}
