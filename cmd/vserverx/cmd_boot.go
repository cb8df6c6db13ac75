// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/lifecycle/boot"
)

func (a *app) startAllCommand() *cli.Command { return a.bootCommand("start-all", false) }

func (a *app) stopAllCommand() *cli.Command { return a.bootCommand("stop-all", true) }

func (a *app) bootCommand(name string, stop bool) *cli.Command {
	cmd := tableCommand(spec(name, false), "")
	cmd.Action = func(c *cli.Context) error {
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
	}
	return cmd
}

func (a *app) runBoot(c *cli.Context, stop bool) error {
	a.interruptible()
	env, err := a.environment()
	if err != nil {
		return err
	}
	code, err := boot.Run(c.Context, env.Tree, a.bootOptions(c, stop), bootAction(env, runningOnce(env), stop))
	if err != nil {
		return err
	}
	return outcomeOf(code)
}

func (a *app) bootOptions(c *cli.Context, stop bool) boot.Options {
	return boot.Options{
		Marks: c.StringSlice("mark"), All: c.Bool("all"), Jobs: c.Int("jobs"),
		DryRun: c.Bool("dry-run"), Stop: stop, Out: a.stdout, Progress: isTerminal(a.stdout),
	}
}

// bootAction starts (or stops) one guest for start-all (stop-all). Each
// guest's output is captured and attached to its error, so that guests run
// in parallel do not interleave their messages; a guest that already runs
// (or is already stopped) counts as unchanged.
func bootAction(env *lifecycle.Env, isRunning runningFunc, stop bool) boot.Action {
	return func(ctx context.Context, g *config.Guest) error {
		running, err := isRunning(ctx, g.Name)
		if err != nil {
			return err
		}
		if running != stop {
			return boot.ErrUnchanged
		}
		out, err := newCapture(env.Paths.StateDir)
		if err != nil {
			return err
		}
		defer out.Close()
		quiet := *env
		quiet.Out, quiet.Err = out, out
		quiet.Vserver.Stdout, quiet.Vserver.Stderr = out, out
		quiet.Vserver.Options = bootVserverOptions
		fn := quiet.Start
		if stop {
			fn = quiet.Stop
		}
		if err := fn(ctx, g.Name, nil); err != nil {
			return withOutput(err, readCapture(out))
		}
		return nil
	}
}

// bootVserverOptions are the options util-vserver's own boot script
// (start-vservers) gives vserver: --defaulttty makes a start connect the
// guest, from its pre-start on, to apps/init/tty (else
// .defaults/apps/init/tty, else /dev/null) instead of the caller's output;
// --sync waits for the guest's init where util-vserver can.
var bootVserverOptions = []string{"--defaulttty", "--sync"}

// newCapture returns a nameless file (O_TMPFILE) in vserverx's state
// directory dir for the output of one guest's start or stop. It is a file,
// not a pipe, so that a process the guest leaves running with that output
// still open (a daemon that did not close its stdout, a scriptlet's child,
// what remains of an interrupted stop) cannot keep start-all or stop-all
// waiting for the end of the output: vserver's exit ends what is reported.
func newCapture(dir string) (*os.File, error) {
	if err := lifecycle.SecureStateDir(dir); err != nil {
		return nil, err
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("a file for the output of vserver in %s: %w", dir, err)
	}
	return os.NewFile(uintptr(fd), dir+"/(output of vserver)"), nil
}

// readCapture returns what was written to a capture file so far (a read
// error of a file in a tmpfs just written ends it early). It reads at
// offsets (pread), leaving the file offset alone: processes still writing
// share it.
func readCapture(f *os.File) string {
	b, _ := io.ReadAll(io.NewSectionReader(f, 0, 1<<30))
	return string(b)
}

// runningFunc says whether a guest runs; an error means there is no answer.
type runningFunc func(ctx context.Context, name string) (bool, error)

// runningOnce returns a runningFunc answering as things were when it was
// first called: util-vserver is asked about every guest of the confdir at
// once (Env.AskRunning), on the first call. A guest without an answer gets
// the error of that call.
func runningOnce(env *lifecycle.Env) runningFunc {
	var once sync.Once
	var state map[string]bool
	var askErr error
	return func(ctx context.Context, name string) (bool, error) {
		once.Do(func() {
			var names []string
			for _, g := range env.Tree.Guests() {
				names = append(names, g.Name)
			}
			state, askErr = env.AskRunning(ctx, names...)
		})
		running, answered := state[name]
		if !answered && askErr != nil {
			return false, askErr
		}
		return running, nil
	}
}

// withOutput adds a guest's captured output to its error.
func withOutput(err error, out string) error {
	out = strings.TrimSpace(out)
	if out == "" {
		return err
	}
	return fmt.Errorf("%w\n%s", err, out)
}

func (a *app) statusAllCommand() *cli.Command {
	cmd := tableCommand(spec("status-all", false), "")
	cmd.Action = func(c *cli.Context) error {
		if err := noArgs(c); err != nil {
			return err
		}
		if !c.Bool("all") && len(c.StringSlice("mark")) == 0 {
			return usagef("status-all: give --mark MARK or --all")
		}
		env, err := a.environment()
		if err != nil {
			return err
		}
		running := runningOnce(env)
		probe := func(ctx context.Context, g *config.Guest) (bool, error) {
			if env.VserverErr != nil {
				return false, env.VserverErr
			}
			if os.Geteuid() != 0 {
				return false, fmt.Errorf("root is needed to see whether guest %s runs", g.Name)
			}
			return running(ctx, g.Name)
		}
		code, err := boot.Status(c.Context, env.Tree, a.bootOptions(c, false), probe)
		if err != nil {
			return withStatus{err, code}
		}
		return outcomeOf(code)
	}
	return cmd
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
