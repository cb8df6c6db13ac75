// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
	"github.com/vserverx/vserverx/config"
)

// globalFlags are the options that come before NAME.
func globalFlags() []cli.Flag { return cliFlags(cmdtable.GlobalFlags) }

// globals are the parsed global options.
type globals struct {
	confdir, vserver, varsFile, netnsDir, stateDir string
	nft                                            string // --nft, "" when not given
	varsExplicit                                   bool
	verbose, quiet                                 bool
}

func readGlobals(c *cli.Context) globals {
	return globals{
		confdir:      c.String("confdir"),
		vserver:      c.String("vserver"),
		varsFile:     c.String("util-vserver-vars"),
		varsExplicit: c.IsSet("util-vserver-vars"), // also true when UTIL_VSERVER_VARS is set
		netnsDir:     c.String("netns-dir"),
		stateDir:     c.String("state-dir"),
		nft:          c.String("nft"),
		verbose:      c.Bool("verbose"),
		quiet:        c.Bool("quiet"),
	}
}

// paths resolves the global options against util-vserver-vars: an option
// given on the command line wins, then the vars file (when it exists), then
// the built-in default. A vars file named explicitly must exist.
func (g globals) paths() (config.Paths, error) {
	vars, err := config.LoadVars(g.varsFile)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !g.varsExplicit:
		vars = nil
	case err != nil:
		return config.Paths{}, fmt.Errorf("%w (named by --util-vserver-vars or UTIL_VSERVER_VARS)", err)
	}
	p := config.DefaultPaths(vars)
	p.VarsFile = g.varsFile
	if vars == nil {
		p.VarsFile = ""
	}
	setIf(&p.ConfDir, g.confdir)
	setIf(&p.Vserver, g.vserver)
	setIf(&p.NetnsDir, g.netnsDir)
	setIf(&p.StateDir, g.stateDir)
	p.Nft = g.nft
	return absPaths(p)
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// absPaths makes the directories absolute so scriptlets and children that
// run elsewhere see the same ones.
func absPaths(p config.Paths) (config.Paths, error) {
	for _, s := range []*string{&p.ConfDir, &p.NetnsDir, &p.StateDir, &p.VarsFile} {
		if *s == "" {
			continue
		}
		a, err := filepath.Abs(*s)
		if err != nil {
			return p, err
		}
		*s = a
	}
	return p, nil
}

// scriptletArgs renders resolved paths back as global options, for the
// scriptlets that call vserverx later from inside util-vserver, so that a
// plain `vserver NAME start` uses the same paths. vserver is the
// util-vserver command that was found ("" when none was); --nft only when
// it was given.
func scriptletArgs(p config.Paths, vserver string) []string {
	args := []string{"--confdir", p.ConfDir, "--netns-dir", p.NetnsDir, "--state-dir", p.StateDir}
	if p.VarsFile != "" {
		args = append(args, "--util-vserver-vars", p.VarsFile)
	}
	if vserver != "" {
		args = append(args, "--vserver", vserver)
	}
	if p.Nft != "" {
		args = append(args, "--nft", p.Nft)
	}
	return args
}

// selfPath is the absolute path of the running vserverx binary.
func selfPath() string {
	p, err := os.Executable()
	if err != nil {
		return "vserverx"
	}
	return p
}
