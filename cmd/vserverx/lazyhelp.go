// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"io"
	"sync"

	"github.com/urfave/cli/v2"
)

// Help texts are built from the command table only when help is shown: a
// command's template (wrapped description, options, exit status table)
// costs more to build than most commands take to run, and every run builds
// every command. The template urfave/cli gets is a key; the help printers
// replace it with the text built by its function.
var lazyHelp sync.Map // key string → func() string

// lazyHelpPrefix starts every key; no real template starts with a NUL.
const lazyHelpPrefix = "\x00vserverx help "

// lazyTemplate returns the key of the template that build makes.
func lazyTemplate(key string, build func() string) string {
	k := lazyHelpPrefix + key
	lazyHelp.LoadOrStore(k, build)
	return k
}

// resolveHelp is the template of templ: built when it is a key.
func resolveHelp(templ string) string {
	if build, ok := lazyHelp.Load(templ); ok {
		return build.(func() string)()
	}
	return templ
}

func init() {
	printHelp, printCustom := cli.HelpPrinter, cli.HelpPrinterCustom
	cli.HelpPrinter = func(w io.Writer, templ string, data interface{}) {
		printHelp(w, resolveHelp(templ), data)
	}
	cli.HelpPrinterCustom = func(w io.Writer, templ string, data interface{}, fm map[string]interface{}) {
		printCustom(w, resolveHelp(templ), data, fm)
	}
}
