// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/lifecycle/adopt"
)

func (a *app) adoptCommand(name string) *cli.Command {
	cmd := tableCommand(spec("adopt", true), name)
	cmd.Action = func(c *cli.Context) error {
		if c.Bool("undo") {
			return a.runAdoptUndo(c, name)
		}
		if err := noArgs(c); err != nil {
			return err
		}
		opt := adopt.Options{Guest: name, Namespace: c.String("namespace"), ID: c.Int("id"), HasID: c.IsSet("id")}
		if opt.HasID && (opt.ID < 0 || opt.ID > config.MaxID) {
			return usagef("--id %d: the namespace id is 0–%d", opt.ID, config.MaxID)
		}
		return a.runAdopt(opt, c.Bool("dry-run"))
	}
	return cmd
}

// runAdopt prepares the adoption of guest opt.Guest, prints it, and
// carries it out unless dryRun.
func (a *app) runAdopt(opt adopt.Options, dryRun bool) error {
	name := opt.Guest
	env, err := a.environment()
	if err != nil {
		return err
	}
	opt.Tree, opt.Setup = env.Tree, env.Setup
	plan, err := adopt.Prepare(opt)
	if err != nil {
		return err
	}
	if plan.Empty() {
		a.printNothingToAdopt(env.Tree, name)
		return nil
	}
	if err := stoppedForAdopt(env, name); err != nil {
		return err
	}
	a.printAdoptPlan(plan, dryRun)
	if dryRun {
		fmt.Fprintf(a.stdout, "dry run: nothing changed; without --dry-run the backup goes to %s\n", plan.Backup)
		return nil
	}
	err = plan.Apply(func(s adopt.Step) { fmt.Fprintln(a.stdout, s.String(plan.ConfDir, plan.Backup)) })
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "guest %s adopted into namespace %s; backup: %s (undo: vserverx %s adopt --undo)\n",
		name, plan.NS, plan.Backup, name)
	return nil
}

// stoppedForAdopt refuses a guest that runs, or whose state is unknown:
// adopt and its undo change what util-vserver reads at start and stop.
func stoppedForAdopt(env *lifecycle.Env, name string) error {
	if env.VserverErr != nil {
		return fmt.Errorf("guest %s: cannot tell whether it runs: %w", name, env.VserverErr)
	}
	if env.Running(name) {
		return fmt.Errorf("guest %s is running; stop it first (vserverx %s stop): adopt changes what util-vserver reads at start and stop", name, name)
	}
	return nil
}

// runAdoptUndo undoes the latest adoption of guest name, or the one of
// the TIMESTAMP argument.
func (a *app) runAdoptUndo(c *cli.Context, name string) error {
	if c.NArg() > 1 || c.IsSet("namespace") || c.IsSet("id") || c.Bool("dry-run") {
		return usagef("adopt --undo takes one optional TIMESTAMP and no other option: %q", c.Args().Slice())
	}
	env, err := a.environment()
	if err != nil {
		return err
	}
	u, err := adopt.PrepareUndo(adopt.UndoOptions{Tree: env.Tree, Guest: name, Timestamp: c.Args().First()})
	if err != nil {
		return err
	}
	if err := stoppedForAdopt(env, name); err != nil {
		return err
	}
	if err := u.Apply(func(s string) { fmt.Fprintln(a.stdout, s) }); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "guest %s: adoption %s undone\n", name, filepath.Base(u.Backup))
	return nil
}

func (a *app) printAdoptPlan(plan *adopt.Plan, dryRun bool) {
	verb := "adopting"
	if dryRun {
		verb = "adopt would take over"
	}
	fmt.Fprintf(a.stdout, "guest %s: %s its network into namespace %s\n", plan.Guest, verb, plan.NS)
	for _, f := range plan.Found {
		fmt.Fprintf(a.stdout, "found: %s\n", f)
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(a.stdout, "note: %s\n", n)
	}
	if dryRun {
		for _, s := range plan.Steps {
			fmt.Fprintln(a.stdout, "would "+s.String(plan.ConfDir, plan.Backup))
		}
	}
}

func (a *app) printNothingToAdopt(t *config.Tree, name string) {
	g, err := t.Guest(name)
	if err == nil && t.Managed(g) {
		fmt.Fprintf(a.stdout, "guest %s: nothing to adopt (managed by vserverx in namespace %s, no old network configuration left)\n", name, g.SharedNetns())
		return
	}
	fmt.Fprintf(a.stdout, "guest %s: nothing to adopt (no util-vserver netns/, no network scriptlet, no interfaces/ entry on a host device)\n", name)
}

// printAdoptHint tells, for a guest vserverx does not manage, that adopt
// can take its network configuration over.
func (a *app) printAdoptHint(g *config.Guest) {
	if hint := adopt.Hint(a.env.Tree, g.Name, nil); hint != "" {
		fmt.Fprintln(a.stdout, hint)
	}
}
