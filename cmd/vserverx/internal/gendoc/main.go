// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Command gendoc writes the parts of vserverx's documentation that come
// from its command table (cmd/vserverx/internal/cmdtable): the man page's
// COMMANDS, INTERNAL COMMANDS, OPTIONS and EXIT STATUS sections, the bash
// completion's word lists and the README's exit status table, each between
// its markers; the rest of each file is left as it is. It is run by go
// generate in cmd/vserverx, a program of its own so that vserverx does not
// link it:
//
//	go run ./internal/gendoc -man ../../man/vserverx.8 -completion contrib/vserverx.bash-completion -readme ../../README.md
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	man := flag.String("man", "", "the man page to update")
	completion := flag.String("completion", "", "the bash completion to update")
	readme := flag.String("readme", "", "the README to update")
	flag.Parse()
	for _, f := range []struct {
		path   string
		render func(string) (string, error)
	}{{*man, UpdateMan}, {*completion, UpdateCompletion}, {*readme, UpdateReadme}} {
		if f.path == "" {
			continue
		}
		if err := updateFile(f.path, f.render); err != nil {
			fmt.Fprintln(os.Stderr, "gendoc:", err)
			os.Exit(1)
		}
	}
}

// updateFile rewrites path with render's result when it differs.
func updateFile(path string, render func(string) (string, error)) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := render(string(old))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if out == string(old) {
		return nil
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
