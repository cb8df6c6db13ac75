package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/config"
)

func (a *app) checkCommand(name string) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "validate the guest's and its namespace's configuration; change nothing",
		UsageText: "vserverx [global options] " + name + " check",
		Description: `Reads the guest's confdir and its namespace definition (CONFDIR/.netns/X),
validates every value, checks that 'setup' was run (scriptlets and the
namespace-cleanup-skip entry), and names guests whose own initialize
scriptlets would bypass the host-wide mount protection. Reports every
problem with the file it is about; exit 0 when there is none, 1 otherwise.
Needs no root and changes nothing.`,
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			return a.runCheck(name)
		},
	}
}

// runCheck prints every problem of the guest and its group.
func (a *app) runCheck(name string) error {
	env, err := a.environment()
	if err != nil {
		return err
	}
	problems := env.Tree.Check(name)
	g, gerr := env.Tree.Guest(name)
	if gerr == nil {
		problems = append(problems, a.setupProblems(g)...)
		a.printAdoptHint(g)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(a.stdout, p.Error())
		}
		return fmt.Errorf("guest %s: %d problem(s) found", name, len(problems))
	}
	a.printCheckOK(g)
	return nil
}

// setupProblems are the problems `setup` would fix, and guests bypassing
// the host-wide mount protection.
func (a *app) setupProblems(g *config.Guest) config.Problems {
	env := a.env
	grp := env.Tree.GroupOf(g)
	if grp == nil {
		return nil
	}
	problems := env.Setup.Check(g, grp.NS.Name)
	return append(problems, env.Setup.Bypassing(env.Tree.Guests())...)
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
