// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

func (a *app) checkCommand(name string) *cli.Command {
	return a.guestCommand(name, guestCmd{spec: spec("check", true), noArgs: true}, func(c *cli.Context, env *lifecycle.Env) error {
		return a.runCheck(c.Context, env, name, c.Bool("strict"))
	})
}

// runCheck prints every problem of the guest and its group.
func (a *app) runCheck(ctx context.Context, env *lifecycle.Env, name string, strict bool) error {
	g, err := env.Tree.Guest(name)
	if errors.Is(err, config.ErrNoGuest) {
		return err
	}
	problems := append(env.CheckGuest(ctx, name), env.DriftProblem(g)...)
	printProblems(a.stdout, problems)
	a.printAdoptHint(g)
	if err := checkVerdict("guest "+name, problems, strict); err != nil {
		return err
	}
	a.printCheckOK(g)
	return nil
}

// printProblems prints one problem a line, with its file.
func printProblems(w io.Writer, problems config.Problems) {
	for _, p := range problems {
		fmt.Fprintln(w, p.Error())
	}
}

// checkVerdict is what check and check-all of what end with: an error
// counting the problems when there are any, an error with
// cmdtable.ExitWarnings counting the warnings when strict and there are
// some, else nil.
func checkVerdict(what string, problems config.Problems, strict bool) error {
	if errs := problems.Errors(); len(errs) > 0 {
		return fmt.Errorf("%s: %d problem(s) found", what, len(errs))
	}
	if warns := problems.Warnings(); strict && len(warns) > 0 {
		return withStatus{fmt.Errorf("%s: %d warning(s) found (--strict)", what, len(warns)), cmdtable.ExitWarnings}
	}
	return nil
}

func (a *app) printCheckOK(g *config.Guest) {
	grp := a.env.Tree.GroupOf(g)
	if grp == nil {
		fmt.Fprintf(a.stdout, "guest %s: OK (not managed by vserverx: vserver commands are passed through unchanged)\n", g.Name)
		return
	}
	fmt.Fprintf(a.stdout, "guest %s: OK (namespace %s, %d interface(s), group: %v)\n",
		g.Name, grp.NS.Name, len(grp.NS.Interfaces), grp.MemberNames())
}
