package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/vspace"
	"github.com/vserverx/vserverx/wrapper"
)

// The commands below are called by the scriptlets `setup` installs, from
// inside util-vserver; they are hidden from --help but documented in
// vserverx(8) under INTERNAL COMMANDS.

func (a *app) vspaceRewriteCommand(name string) *cli.Command {
	return &cli.Command{
		Name:            "vspace-rewrite",
		Usage:           "print util-vserver's VSPACE_SHARED_CMD array rewritten for the guest's namespace (used by the prepre-start scriptlet)",
		UsageText:       "vserverx [global options] " + name + " vspace-rewrite -- WORDS...",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			return a.runVspaceRewrite(name, stripDashDash(c.Args().Slice()))
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

// runVspaceRewrite prints VSPACE_SHARED_CMD=( ... ) with the
// `vspace --enter X --net --` runs of managed namespaces dropped (when
// vserverx already runs the chain inside X) or replaced by a netns-exec
// prefix (plain `vserver NAME start`).
func (a *app) runVspaceRewrite(name string, words []string) error {
	env, err := a.environment()
	if err != nil {
		return err
	}
	managed := func(x string) bool { return env.Tree.Group(x) != nil }
	prefix := func(x string) []string {
		p := append([]string{env.Setup.Opt.Vserverx}, env.Setup.Opt.GlobalArgs...)
		return append(p, name, "netns-exec", "--")
	}
	out := vspace.Rewrite(words, managed, os.Getenv(wrapper.EnvNetns), prefix)
	fmt.Fprintln(a.stdout, vspace.FormatAssignment("VSPACE_SHARED_CMD", out))
	return nil
}

func (a *app) netnsExecCommand(name string) *cli.Command {
	return &cli.Command{
		Name:            "netns-exec",
		Usage:           "set up the guest's namespace and exec CMD inside it (the prefix a plain 'vserver NAME start' runs)",
		UsageText:       "vserverx [global options] " + name + " netns-exec -- CMD [ARGS...]",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			argv := stripDashDash(c.Args().Slice())
			if len(argv) == 0 {
				return usagef("netns-exec: missing CMD")
			}
			env, err := a.environment()
			if err != nil {
				return err
			}
			return env.UpAndExec(name, argv)
		},
	}
}

func (a *app) teardownCommand(name string) *cli.Command {
	return &cli.Command{
		Name:      "teardown",
		Usage:     "remove the guest's namespace when no process and no other member uses it (used by the postpost-stop scriptlet)",
		UsageText: "vserverx [global options] " + name + " teardown",
		Hidden:    true,
		Action: func(c *cli.Context) error {
			env, err := a.environmentNoArgs(c)
			if err != nil {
				return err
			}
			return env.TeardownGuest(name)
		},
	}
}
