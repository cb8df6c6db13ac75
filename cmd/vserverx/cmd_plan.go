package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func (a *app) planCommand(name string) *cli.Command {
	return &cli.Command{
		Name:            "plan",
		Usage:           "print the steps 'start' would take; change nothing",
		UsageText:       "vserverx [global options] " + name + " plan [ARGS...]",
		SkipFlagParsing: true,
		Description: `Prints, in order, the steps 'vserverx NAME start ARGS...' takes: the lock,
creating or joining the namespace, each interface (type, parent, temporary
and final name, MAC, MTU, addresses, routes), sysctls, vprocunhide and the
exact vserver command line. It is the same plan object 'start' executes.
Needs no root and changes nothing. Exit 1 when the configuration has
problems or 'start' would refuse.`,
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if wantsHelp(args) {
				return cli.ShowSubcommandHelp(c)
			}
			return a.runPlan(name, args)
		},
	}
}

func (a *app) runPlan(name string, args []string) error {
	env, err := a.environment()
	if err != nil {
		return err
	}
	m, err := env.Resolve(name)
	if err != nil {
		return err
	}
	if m.Group == nil {
		fmt.Fprintf(a.stdout, "guest %s is not managed by vserverx: start runs 'vserver %s start' unchanged\n", name, name)
		return nil
	}
	env.StartPlan(m, args).Print(a.stdout)
	if err := env.Refusal(m); err != nil {
		return fmt.Errorf("start would refuse: %w", err)
	}
	return nil
}
