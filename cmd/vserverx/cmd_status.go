package main

import (
	"github.com/urfave/cli/v2"
)

func (a *app) statusCommand(name string) *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "show the namespace, its interfaces and processes, and the group; exit 0 running, 3 stopped",
		UsageText: "vserverx [global options] " + name + " status [--json]",
		Description: `Shows the guest's namespace (whether it exists), its interfaces (name,
type, MAC, state, addresses), the processes living in it, the members of the
group and which of them run, and util-vserver's own 'vserver NAME status'.
Exit status as 'vserver NAME status': 0 running, 3 stopped.`,
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print the status as JSON"}},
		Action: func(c *cli.Context) error {
			env, err := a.environmentNoArgs(c)
			if err != nil {
				return err
			}
			st, err := env.Status(name)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				if err := printJSON(a.stdout, st); err != nil {
					return err
				}
			} else {
				st.Print(a.stdout)
			}
			return codeOf(st.ExitCode(), nil)
		},
	}
}
