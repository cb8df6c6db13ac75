// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// scriptlet is contender (b): testdata/bench/ip-scriptlet.sh, one bash
// process per phase for all n namespaces, fed the same interfaces (names,
// MACs, host-side names) as the engine, taken from the loaded confdir.
type scriptlet struct {
	script string // path of ip-scriptlet.sh
	spec   string // its standard input
}

// newScriptlet builds the spec of the first n guests' namespaces of tree.
func newScriptlet(repo string, tree *config.Tree, n int) (*scriptlet, error) {
	var b strings.Builder
	for i := range n {
		grp := tree.Group(nsName(i))
		if grp == nil {
			return nil, fmt.Errorf("confdir %s: no managed namespace %s", tree.Paths.ConfDir, nsName(i))
		}
		if err := writeSpec(&b, grp.NS, i); err != nil {
			return nil, err
		}
	}
	return &scriptlet{script: filepath.Join(repo, "testdata/bench/ip-scriptlet.sh"), spec: b.String()}, nil
}

// writeSpec writes the spec lines of one namespace (see ip-scriptlet.sh).
func writeSpec(b *strings.Builder, def *config.Namespace, i int) error {
	fmt.Fprintf(b, "ns %s\n", def.Name)
	for _, ifc := range def.Interfaces {
		tmp := "b" + strconv.Itoa(i) + "-" + strconv.Itoa(ifc.Num)
		switch ifc.Type {
		case config.TypeMacvlan:
			fmt.Fprintf(b, "macvlan %s %s %s %s %s\n", def.Name, tmp, ifc.Name, ifc.Link, ifc.MAC)
		case config.TypeVeth:
			fmt.Fprintf(b, "veth %s %s %s %s %s %s\n", def.Name, tmp, ifc.Name, ifc.MAC, ifc.Host, ifc.HostMAC)
		default:
			return fmt.Errorf("%s: the scriptlet knows macvlan and veth, not %s", ifc.File("type"), ifc.Type)
		}
	}
	return nil
}

// setup runs the scriptlet's setup phase.
func (s *scriptlet) setup() error { return s.run("setup") }

// teardown runs the scriptlet's teardown phase.
func (s *scriptlet) teardown() error { return s.run("teardown") }

func (s *scriptlet) run(phase string) error {
	cmd := exec.Command("bash", s.script, phase)
	cmd.Stdin = strings.NewReader(s.spec)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", s.script, phase, err, strings.TrimSpace(out.String()))
	}
	return nil
}
