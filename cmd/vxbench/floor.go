// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vserverx/vserverx/netns"
)

// ipFloor is floor (c) built with iproute2: N bare named namespaces,
// `ip netns add` then `ip netns del` (testdata/bench/floor.sh, one bash per
// phase).
type ipFloor struct {
	script string
	names  []string
}

func newIPFloor(repo string, n int) *ipFloor {
	return &ipFloor{script: filepath.Join(repo, "testdata/bench/floor.sh"), names: firstNames(n)}
}

func (f *ipFloor) setup() error    { return f.run("add") }
func (f *ipFloor) teardown() error { return f.run("del") }

func (f *ipFloor) run(op string) error {
	cmd := exec.Command("bash", append([]string{f.script, op}, f.names...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", f.script, op, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// goFloor is the in-process floor: N bare named namespaces made and removed
// by vserverx's own netns.Create and netns.DeleteNamespace, without locks,
// configuration or links.
type goFloor struct {
	dir   string
	names []string
}

func newGoFloor(dir string, n int) *goFloor {
	return &goFloor{dir: dir, names: firstNames(n)}
}

func (f *goFloor) setup() error {
	for _, name := range f.names {
		ns, err := netns.Create(f.dir, name)
		if err != nil {
			return err
		}
		ns.Close()
	}
	return nil
}

func (f *goFloor) teardown() error {
	for _, name := range f.names {
		if err := netns.DeleteNamespace(f.dir, name); err != nil {
			return err
		}
	}
	return nil
}
