// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
	"github.com/vserverx/vserverx/lifecycle/boot"
)

func (a *app) checkAllCommand() *cli.Command {
	cmd := tableCommand(spec("check-all", false), "")
	cmd.Action = func(c *cli.Context) error {
		env, err := a.environmentNoArgs(c)
		if err != nil {
			return err
		}
		return a.runCheckAll(c.Context, env, c.StringSlice("mark"), c.Bool("strict"), c.Bool("json"))
	}
	return cmd
}

// runCheckAll prints every problem of the confdir, the boot order's for the
// selection marks would make included, as JSON when asJSON.
func (a *app) runCheckAll(ctx context.Context, env *lifecycle.Env, marks []string, strict, asJSON bool) error {
	problems := append(env.CheckAll(ctx), boot.Check(env.Tree.Guests(), marks)...)
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
