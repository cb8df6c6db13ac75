// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/vspace"
	"github.com/vserverx/vserverx/wrapper"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

// app is one invocation of vserverx: its output streams and, once the
// global options are parsed, its environment.
type app struct {
	stdout, stderr io.Writer
	g              globals
	env            *lifecycle.Env // built on first use by environment()
	sigExit        bool           // a signal makes it leave with 128+signal (interruptible)
}

// run runs vserverx with the given argv and returns the exit code.
func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	code := report(stderr, a.cliApp().RunContext(ctx, argv))
	return a.exitCode(ctx, code)
}

// cliApp is the top level: global options, guest-less commands, and
// NAME COMMAND handled by the default action.
func (a *app) cliApp() *cli.App {
	return &cli.App{
		Name:                  "vserverx",
		Usage:                 "run Linux-VServer guests in named network namespaces",
		Description:           appDescription,
		Version:               version,
		Flags:                 append(globalFlags(), cli.HelpFlag), // urfave adds it only without a help command of our own
		Commands:              a.hostCommands(),
		Action:                a.guestAction,
		Writer:                a.stdout,
		ErrWriter:             a.stderr,
		HideHelpCommand:       true, // our own help command knows the guest commands too
		CustomAppHelpTemplate: lazyTemplate("", appHelp),
		OnUsageError:          onUsageError,
		ExitErrHandler:        func(*cli.Context, error) {},
		// --mark a,b is one value (a or b), as util-vserver reads it.
		DisableSliceFlagSeparator: true,
		Before: func(c *cli.Context) error {
			a.g = readGlobals(c)
			return nil
		},
	}
}

const appDescription = `vserverx gives a util-vserver guest, or a group of guests, its own named
network namespace (CONFDIR/.netns/X) whose interfaces are created, addressed
and UP before the guest starts, and removed after the last guest stops.
Commands it does not know are passed to util-vserver's vserver unchanged.`

// onUsageError turns urfave/cli's flag errors into usage errors (exit 2).
func onUsageError(c *cli.Context, err error, _ bool) error {
	return usageError{err.Error()}
}

// hostCommands are the commands that take no guest name.
func (a *app) hostCommands() []*cli.Command {
	return withUsageErrors(a.startAllCommand(), a.stopAllCommand(), a.statusAllCommand(), a.listCommand(), a.checkAllCommand(), a.helpCommand())
}

// helpCommand is `vserverx help [COMMAND]`, for host and guest commands.
func (a *app) helpCommand() *cli.Command {
	cmd := tableCommand(spec("help", false), "")
	cmd.Action = func(c *cli.Context) error {
		topic := c.Args().First()
		if c.Args().Len() > 1 {
			return usagef("help: unexpected argument(s) %q", c.Args().Slice()[1:])
		}
		switch {
		case topic == "":
			return cli.ShowAppHelp(c)
		case c.App.Command(topic) != nil:
			return cli.ShowCommandHelp(c, topic)
		case a.guestApp("NAME").Command(topic) != nil:
			return a.guestApp("NAME").Run([]string{"vserverx NAME", topic, "--help"})
		}
		return usagef("help: no command %q", topic)
	}
	return cmd
}

// guestAction handles `vserverx NAME COMMAND [args...]`.
func (a *app) guestAction(c *cli.Context) error {
	args := c.Args().Slice()
	switch len(args) {
	case 0:
		return usagef("missing guest NAME and COMMAND")
	case 1:
		return usagef("missing COMMAND after guest name %q", args[0])
	}
	name := args[0]
	if args[1] == "help" || args[1] == "--help" || args[1] == "-h" {
		return cli.ShowAppHelp(c)
	}
	if err := checkGuestName(name); err != nil {
		return err
	}
	guestApp := a.guestApp(name)
	return guestApp.RunContext(c.Context, append([]string{"vserverx " + name}, args[1:]...))
}

// checkGuestName refuses names that cannot be a guest directory.
func checkGuestName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, "-") {
		return usagef("%q is not a guest name (a directory name in the confdir, not an option)", name)
	}
	return nil
}

// guestApp dispatches the COMMAND of one guest; unknown commands are passed
// to `vserver NAME COMMAND args...`.
func (a *app) guestApp(name string) *cli.App {
	return &cli.App{
		Name:            "vserverx " + name,
		Usage:           "commands for guest " + name,
		HideVersion:     true,
		HideHelpCommand: true,
		Commands:        a.guestCommands(name),
		Action:          func(c *cli.Context) error { return a.passThrough(c, name) },
		Writer:          a.stdout,
		ErrWriter:       a.stderr,
		OnUsageError:    onUsageError,
		ExitErrHandler:  func(*cli.Context, error) {},
	}
}

// guestCommands are the commands vserverx handles itself for a guest.
func (a *app) guestCommands(name string) []*cli.Command {
	return withUsageErrors(
		a.startCommand(name), a.stopCommand(name), a.restartCommand(name),
		a.enterCommand(name), a.statusCommand(name), a.checkCommand(name),
		a.planCommand(name), a.applyCommand(name), a.setupCommand(name), a.adoptCommand(name),
		a.vspaceRewriteCommand(name), a.teardownCommand(name), a.netnsExecCommand(name),
	)
}

// guestCmd is a command of one guest for guestCommand: its entry in the
// command table and how its arguments are taken.
type guestCmd struct {
	spec cmdtable.Command
	// words: the arguments are taken as they are, flags too (for
	// util-vserver); only a lone --help shows the command's help.
	words bool
	// noArgs: any argument is a usage error, reported before anything is
	// loaded.
	noArgs bool
	// root: refused with a hint, before anything is loaded, unless root.
	root bool
}

// guestCommand builds command s of guest name from its table entry: it
// checks what s asks for (help request, arguments, root), builds the
// environment and calls run.
func (a *app) guestCommand(name string, s guestCmd, run func(c *cli.Context, env *lifecycle.Env) error) *cli.Command {
	cmd := tableCommand(s.spec, name)
	cmd.SkipFlagParsing = s.words
	cmd.Action = func(c *cli.Context) error {
		if s.words && wantsHelp(c.Args().Slice()) {
			return cli.ShowSubcommandHelp(c)
		}
		if err := s.refusal(c); err != nil {
			return err
		}
		env, err := a.environment()
		if err != nil {
			return err
		}
		return run(c, env)
	}
	return cmd
}

// tableCommand is the urfave/cli command of table entry s (for guest name
// when it is a guest command), without its action.
func tableCommand(s cmdtable.Command, name string) *cli.Command {
	return &cli.Command{
		Name:               s.Name,
		Aliases:            s.Aliases,
		Usage:              s.Usage,
		UsageText:          usageLine(s, name),
		Description:        s.Desc,
		Flags:              cliFlags(s.Flags),
		Hidden:             s.Hidden,
		CustomHelpTemplate: lazyTemplate(name+" "+s.Name, func() string { return commandHelp(s, name) }),
	}
}

// refusal is the usage error or missing root that stops command s before
// anything is loaded.
func (s guestCmd) refusal(c *cli.Context) error {
	if s.noArgs {
		if err := noArgs(c); err != nil {
			return err
		}
	}
	if s.root {
		return needRoot(s.spec.Name)
	}
	return nil
}

// withUsageErrors makes flag errors of every command usage errors (exit 2)
// and hides urfave/cli's per-command help sub-command.
func withUsageErrors(cmds ...*cli.Command) []*cli.Command {
	for _, c := range cmds {
		c.OnUsageError = onUsageError
		c.HideHelpCommand = true
	}
	return cmds
}

// environment builds the lifecycle environment from the global options:
// paths, the loaded confdir, util-vserver's command. Loading never changes
// anything.
func (a *app) environment() (*lifecycle.Env, error) {
	if a.env != nil {
		return a.env, nil
	}
	p, err := a.g.paths()
	if err != nil {
		return nil, err
	}
	tree, err := config.Load(p)
	if err != nil {
		return nil, err
	}
	vs, vsErr := wrapper.Find(a.g.vserver, p.Vserver)
	nft, nftErr := lifecycle.FindNft(p.Nft)
	a.env = lifecycle.NewEnv(p, tree, lifecycle.EnvOptions{
		Vserver:    vs,
		VserverErr: vsErr,
		Nft:        nft,
		NftErr:     nftErr,
		Scriptlet:  vspace.ScriptletOptions{Vserverx: selfPath(), GlobalArgs: scriptletArgs(p, vs)},
		Out:        a.stdout,
		Err:        a.stderr,
		Verbose:    a.g.verbose,
		Quiet:      a.g.quiet,
	})
	return a.env, nil
}

// environmentNoArgs is environment() for commands that take no arguments:
// unexpected ones are a usage error, found before anything is loaded.
func (a *app) environmentNoArgs(c *cli.Context) (*lifecycle.Env, error) {
	if err := noArgs(c); err != nil {
		return nil, err
	}
	return a.environment()
}

// needRoot fails with a hint when a command that changes the host runs
// without root.
func needRoot(what string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s needs root: run as root, e.g. sudo vserverx %s", what, strings.Join(os.Args[1:], " "))
	}
	return nil
}

// noArgs fails when a command got arguments it does not take, quoting them.
func noArgs(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("%s: unexpected argument(s) %q", c.Command.FullName(), c.Args().Slice())
	}
	return nil
}

// wantsHelp reports whether pass-through arguments are just a help request.
func wantsHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "--help" || args[0] == "-h")
}

// passThrough runs `vserver NAME COMMAND args...` unchanged.
func (a *app) passThrough(c *cli.Context, name string) error {
	args := c.Args().Slice()
	if len(args) == 0 {
		return usagef("missing COMMAND after guest name %q", name)
	}
	env, err := a.environment()
	if err != nil {
		return err
	}
	if env.VserverErr != nil {
		return env.VserverErr
	}
	return env.Vserver.Run(c.Context, netns.Own(), name, args...)
}

func init() {
	// -v is --verbose (as in util-vserver's tools); --version has no short form.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version and exit", DisableDefaultText: true}
}
