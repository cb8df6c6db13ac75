package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/vspace"
)

// The commands below are called by the scriptlets `setup` installs, from
// inside util-vserver; they are hidden from --help but documented in
// vserverx(8) under INTERNAL COMMANDS.

func (a *app) vspaceRewriteCommand(name string) *cli.Command {
	return &cli.Command{
		Name:            vspace.RewriteCommand,
		Usage:           "print util-vserver's VSPACE_SHARED_CMD array rewritten for the guest's namespace (used by the prepre-start scriptlet)",
		UsageText:       "vserverx [global options] " + name + " " + vspace.RewriteCommand + " -- WORDS...",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			env, err := a.environment()
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, env.VspaceAssignment(name, stripDashDash(c.Args().Slice())))
			return nil
		},
	}
}

// stripDashDash drops a leading "--".
func stripDashDash(args []string) []string {
	if len(args) > 0 && args[0] == "--" {
		return args[1:]
	}
	return args
}

func (a *app) netnsExecCommand(name string) *cli.Command {
	return &cli.Command{
		Name:            vspace.NetnsExecCommand,
		Usage:           "set up the guest's namespace and exec CMD inside it (the prefix a plain 'vserver NAME start' runs)",
		UsageText:       "vserverx [global options] " + name + " " + vspace.NetnsExecCommand + " -- CMD [ARGS...]",
		Hidden:          true,
		SkipFlagParsing: true,
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
	return &cli.Command{
		Name:      vspace.TeardownCommand,
		Usage:     "remove the guest's namespace when no process and no other member uses it (used by the postpost-stop scriptlet)",
		UsageText: "vserverx [global options] " + name + " " + vspace.TeardownCommand,
		Hidden:    true,
		Action: func(c *cli.Context) error {
			env, err := a.environmentNoArgs(c)
			if err != nil {
				return err
			}
			return env.TeardownGuest(c.Context, name)
		},
	}
}
