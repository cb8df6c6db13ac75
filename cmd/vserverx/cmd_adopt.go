// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle/adopt"
)

func (a *app) adoptCommand(name string) *cli.Command {
	return &cli.Command{
		Name:      "adopt",
		Usage:     "turn the guest's old network configuration into a vserverx-managed namespace, with a backup",
		UsageText: "vserverx [global options] " + name + " adopt [--dry-run] [--namespace X]",
		Description: `Reads the guest's network configuration in the forms vserverx replaces, in
this order: util-vserver's own netns/ (the guest's, or .defaults/netns), a
hand-written ip scriptlet in scripts/, classic interfaces/ entries on host
devices. Writes the same as CONFDIR/.netns/X and spaces/net, moves the old
files aside and does what 'setup' does, so that the guest starts with the
same addresses. Every file changed or moved is first put under
CONFDIR/NAME/.vserverx-adopt/TIMESTAMP/ (paths relative to CONFDIR); the
file CREATED there lists what adopt created. The guest must be stopped.
A second adopt finds nothing to do.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "print every file operation and change nothing; exit 1 with the reasons when the guest cannot be adopted", DisableDefaultText: true},
			&cli.StringFlag{Name: "namespace", Usage: "namespace `X` for a guest configured by classic interfaces/ only (default: the guest's name)"},
		},
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			return a.runAdopt(name, c.String("namespace"), c.Bool("dry-run"))
		},
	}
}

// runAdopt prepares the adoption of guest name, prints it, and carries it
// out unless dryRun.
func (a *app) runAdopt(name, namespace string, dryRun bool) error {
	env, err := a.environment()
	if err != nil {
		return err
	}
	plan, err := adopt.Prepare(adopt.Options{Tree: env.Tree, Guest: name, Namespace: namespace, Setup: env.Setup})
	if err != nil {
		return err
	}
	if plan.Empty() {
		a.printNothingToAdopt(env.Tree, name)
		return nil
	}
	if env.VserverErr != nil {
		return fmt.Errorf("guest %s: cannot tell whether it runs: %w", name, env.VserverErr)
	}
	if env.Running(name) {
		return fmt.Errorf("guest %s is running; stop it first (vserverx %s stop): adopt changes what util-vserver reads at start and stop", name, name)
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
	fmt.Fprintf(a.stdout, "guest %s adopted into namespace %s; backup: %s (restore: see ADOPTING EXISTING GUESTS in vserverx(8))\n",
		name, plan.NS, plan.Backup)
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
