package main

import (
	"context"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

// bootFlags are the options of start-all and stop-all.
func bootFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "mark", Aliases: []string{"m"}, Usage: "select guests whose apps/init/mark lists `MARK`; !MARK or ~MARK selects those that do not (repeatable)"},
		&cli.BoolFlag{Name: "all", Usage: "select every guest, whatever its marks"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "run at most `N` guests at once (default: number of CPUs)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "print the order (waves) without starting or stopping anything"},
	}
}

func (a *app) startAllCommand() *cli.Command {
	return a.bootCommand("start-all", "start every selected guest in apps/init/depends order (boot)", false)
}

func (a *app) stopAllCommand() *cli.Command {
	return a.bootCommand("stop-all", "stop every selected guest in reverse dependency order (shutdown)", true)
}

func (a *app) bootCommand(name, usage string, stop bool) *cli.Command {
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		UsageText: "vserverx [global options] " + name + " [--mark M]... [--all] [-j N] [--dry-run]",
		Description: `Selects guests by apps/init/mark (--mark, repeatable; a leading ! or ~
inverts) or --all, skips disabled guests and guests without vdir, orders
them by apps/init/depends and runs N at a time, printing one line per guest
and a summary. A dependency cycle or an unknown dependency is reported before
anything runs. A failed guest's dependants are skipped. Exit 0 when all
succeeded, 1 when none did, 2 when some did.`,
		Flags: bootFlags(),
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			if !c.Bool("all") && len(c.StringSlice("mark")) == 0 {
				return usagef("%s: give --mark MARK or --all", name)
			}
			if !c.Bool("dry-run") {
				if err := needRoot(name); err != nil {
					return err
				}
			}
			return a.runBoot(c, stop)
		},
	}
}

func (a *app) runBoot(c *cli.Context, stop bool) error {
	env, err := a.environment()
	if err != nil {
		return err
	}
	opt := lifecycle.BootOptions{
		Marks: c.StringSlice("mark"), All: c.Bool("all"), Jobs: c.Int("jobs"),
		DryRun: c.Bool("dry-run"), Stop: stop, Out: a.stdout, Progress: isTerminal(a.stdout),
	}
	quiet := *env
	quiet.Out, quiet.Err = io.Discard, a.stderr
	quiet.Vserver.Stdout, quiet.Vserver.Stderr = io.Discard, a.stderr
	act := func(ctx context.Context, g *config.Guest) error {
		fn := quiet.Start
		if stop {
			fn = quiet.Stop
		}
		return codeOf(fn(ctx, g.Name, nil))
	}
	code, err := lifecycle.Boot(c.Context, env.Tree, opt, act)
	if err != nil {
		return err
	}
	return codeOf(code, nil)
}

// isTerminal reports whether w is a terminal (for the progress line).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
