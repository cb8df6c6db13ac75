package main

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/lifecycle"
)

// lifecycleFunc is Env.Start, Env.Stop or Env.Restart, called from a command.
type lifecycleFunc func(c *cli.Context, name string, args []string) (int, error)

// lifecycleMethod is the signature of Env.Start, Env.Stop and Env.Restart.
type lifecycleMethod func(ctx context.Context, name string, args []string) (int, error)

// withEnv makes a lifecycleFunc that builds the environment and calls the
// method pick chooses on it.
func (a *app) withEnv(pick func(*lifecycle.Env) lifecycleMethod) lifecycleFunc {
	return func(c *cli.Context, name string, args []string) (int, error) {
		env, err := a.environment()
		if err != nil {
			return 1, err
		}
		return pick(env)(c.Context, name, args)
	}
}

// wrappedCommand builds start/stop/restart: every argument after the
// command goes to util-vserver unchanged (flags too), except a lone --help.
func (a *app) wrappedCommand(name, cmd, usage, desc string, fn lifecycleFunc) *cli.Command {
	return &cli.Command{
		Name:            cmd,
		Usage:           usage,
		UsageText:       "vserverx [global options] " + name + " " + cmd + " [ARGS...]",
		Description:     desc,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if wantsHelp(args) {
				return cli.ShowSubcommandHelp(c)
			}
			if err := needRoot(cmd); err != nil {
				return err
			}
			return codeOf(fn(c, name, args))
		},
	}
}

func (a *app) startCommand(name string) *cli.Command {
	return a.wrappedCommand(name, "start", "set up the namespace, then run 'vserver NAME start ARGS...' inside it",
		`Validates the guest and its namespace definition, takes the namespace lock,
creates the named network namespace (or joins it), converges its interfaces,
applies sysctls, runs vprocunhide inside it, then runs util-vserver's
'vserver NAME start ARGS...' inside it with VSERVERX_NETNS set. If that
fails, everything this call created is undone (unless another process
already lives in the namespace). A guest vserverx does not manage is passed
to 'vserver NAME start' unchanged. 'vserverx NAME plan' shows the steps.`,
		a.withEnv(func(e *lifecycle.Env) lifecycleMethod { return e.Start }))
}

func (a *app) stopCommand(name string) *cli.Command {
	return a.wrappedCommand(name, "stop", "run 'vserver NAME stop ARGS...' inside the namespace, then remove the namespace when unused",
		`Runs util-vserver's 'vserver NAME stop ARGS...' inside the guest's namespace
(plainly when the namespace is gone), then, under the namespace lock, removes
the namespace and the links vserverx created when no process is left in it
and no other member of the group runs; otherwise it says who still uses it.
Stopping a stopped guest still removes leftovers of a crash.`,
		a.withEnv(func(e *lifecycle.Env) lifecycleMethod { return e.Stop }))
}

func (a *app) restartCommand(name string) *cli.Command {
	return a.wrappedCommand(name, "restart", "stop, then start (ARGS go to start)",
		`Stops the guest as 'stop' does (removing an unused namespace), then starts
it as 'start' does with ARGS.`,
		a.withEnv(func(e *lifecycle.Env) lifecycleMethod { return e.Restart }))
}
