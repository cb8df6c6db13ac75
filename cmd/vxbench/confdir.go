// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vserverx/vserverx/config"
)

// variant is one kind of namespace the benchmark builds: K interfaces of
// one type each.
type variant struct {
	K    int
	Type config.LinkType // macvlan (on eth0) or veth
}

func (v variant) String() string { return fmt.Sprintf("K=%d %s", v.K, v.Type) }

// nsName is the name of namespace i (also its guest's name).
func nsName(i int) string { return "ns" + strconv.Itoa(i) }

// firstNames returns the names of the first n namespaces, ns0..ns(n-1).
func firstNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = nsName(i)
	}
	return names
}

// writeFiles creates every file of files (path relative to dir → content)
// and the directories they need.
func writeFiles(dir string, files map[string]string) error {
	for rel, content := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// benchConfdir writes a confdir of n guests ns0..ns(n-1), each alone in
// its own namespace (spaces/net names itself, context 100+i, so its MACs
// are generated from that id) with v.K interfaces eth0..eth(K-1): macvlans
// on eth0 in bridge mode, or veth pairs with the default host-side names.
func benchConfdir(dir string, v variant, n int) error {
	if v.Type != config.TypeMacvlan && v.Type != config.TypeVeth {
		return fmt.Errorf("benchmark variant %s: only macvlan and veth are measured", v)
	}
	files := map[string]string{}
	for i := range n {
		x := nsName(i)
		files[x+"/context"] = strconv.Itoa(100+i) + "\n"
		files[x+"/spaces/net"] = x + "\n"
		files[x+"/vdir/.keep"] = ""
		for j := range v.K {
			ifc := fmt.Sprintf(".netns/%s/interfaces/%d/", x, j)
			files[ifc+"type"] = string(v.Type) + "\n"
			files[ifc+"name"] = "eth" + strconv.Itoa(j) + "\n"
			if v.Type == config.TypeMacvlan {
				files[ifc+"link"] = "eth0\n"
			}
		}
	}
	if err := writeFiles(dir, files); err != nil {
		return fmt.Errorf("writing benchmark confdir %s: %w", dir, err)
	}
	return nil
}

// loadTree loads a confdir and fails on any configuration problem.
func loadTree(p config.Paths) (*config.Tree, error) {
	t, err := config.Load(p)
	if err != nil {
		return nil, err
	}
	if err := t.CheckAll().Err(); err != nil {
		return nil, fmt.Errorf("benchmark confdir %s: %w", p.ConfDir, err)
	}
	return t, nil
}
