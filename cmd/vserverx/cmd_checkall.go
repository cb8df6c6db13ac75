// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/lifecycle/boot"
)

func (a *app) checkAllCommand() *cli.Command {
	return &cli.Command{
		Name:      "check-all",
		Usage:     "validate the whole confdir (every guest, every namespace definition); change nothing",
		UsageText: "vserverx [global options] check-all [--mark M]... [--strict] [--json]",
		Description: `Reports exactly what 'NAME check' reports for every guest of the confdir,
warnings included, plus what no single guest's check can see: every
namespace definition (CONFDIR/.netns/X), also one no guest uses, and the
conflicts between definitions (veth host-side names used twice), and the
boot order as start-all and stop-all read it: an apps/init/depends entry
naming no guest, a dependency cycle (a guest depending on itself included)
and a dependency on a guest that is disabled or has no vdir are errors, in
the words start-all uses when it skips such a guest; with --mark (as given
to start-all) a mark that selects no guest is a warning. Each
problem is listed once, with the file it is about. Exit 0 when there is no
problem, 1 when there are, 7 with --strict when there are only warnings.
Needs no root and changes nothing.`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "mark", Aliases: []string{"m"}, Usage: "also check the selection start-all --mark `MARK` would make"},
			strictFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print the problems as a JSON array of {file, severity, message}", DisableDefaultText: true},
		},
		Action: func(c *cli.Context) error {
			env, err := a.environmentNoArgs(c)
			if err != nil {
				return err
			}
			return a.runCheckAll(env, c.StringSlice("mark"), c.Bool("strict"), c.Bool("json"))
		},
	}
}

// runCheckAll prints every problem of the confdir, the boot order's for the
// selection marks would make included, as JSON when asJSON.
func (a *app) runCheckAll(env *lifecycle.Env, marks []string, strict, asJSON bool) error {
	problems := append(env.CheckAll(), boot.Check(env.Tree.Guests(), marks)...)
	problems = lifecycle.Dedup(append(problems, env.DriftAll()...))
	if asJSON {
		if err := printJSON(a.stdout, problemsJSON(problems)); err != nil {
			return err
		}
	} else {
		printProblems(a.stdout, problems)
	}
	if err := checkVerdict("confdir "+env.Paths.ConfDir, problems, strict); err != nil {
		return err
	}
	if !asJSON {
		fmt.Fprintf(a.stdout, "confdir %s: OK (%d guest(s), %d managed namespace(s))\n",
			env.Paths.ConfDir, len(env.Tree.Guests()), len(env.Tree.Groups()))
	}
	return nil
}

// problemJSON is one problem of check-all --json.
type problemJSON struct {
	File     string `json:"file"`
	Severity string `json:"severity"` // "error" or "warning"
	Message  string `json:"message"`
}

// problemsJSON renders problems for check-all --json ([] when none).
func problemsJSON(problems config.Problems) []problemJSON {
	out := []problemJSON{}
	for _, p := range problems {
		sev := "error"
		if p.Severity == config.SeverityWarning {
			sev = "warning"
		}
		out = append(out, problemJSON{File: p.File, Severity: sev, Message: p.Msg})
	}
	return out
}
