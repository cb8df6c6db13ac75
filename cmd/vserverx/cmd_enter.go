package main

import (
	"github.com/urfave/cli/v2"
)

func (a *app) enterCommand(name string) *cli.Command {
	return &cli.Command{
		Name:      "enter",
		Usage:     "run a shell (or CMD) inside the guest's network namespace, like 'ip netns exec'",
		UsageText: "vserverx [global options] " + name + " enter [-- CMD [ARGS...]]",
		Description: `Runs $SHELL (else /bin/sh), or CMD, on the host side inside the guest's
network namespace, as 'ip netns exec X' does: in its own mount namespace with
/ made rslave, a fresh /sys, and each /etc/netns/X/* bound over /etc.
VSERVERX_NETNS=X is set so a prompt can show it. Exits with CMD's code.`,
		Action: func(c *cli.Context) error {
			if err := needRoot("enter"); err != nil {
				return err
			}
			env, err := a.environment()
			if err != nil {
				return err
			}
			return codeOf(env.Enter(c.Context, name, stripDashDash(c.Args().Slice())))
		},
	}
}
