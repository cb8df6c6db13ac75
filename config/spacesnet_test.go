// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"github.com/vserverx/vserverx/config/configtest"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpacesNetInvalidName: a spaces/net that names a namespace must name
// a valid one, on one line; otherwise the guest has exactly one problem,
// naming spaces/net, even though no definition directory exists for the
// value (the guest would not be managed). Empty and 0 are util-vserver's
// own meanings and stay fine, as does a valid name vserverx does not
// manage (util-vserver's sharing with context X).
func TestSpacesNetInvalidName(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"slash", "a/b\n", "contains '/'"},
		{"dotdot", "..\n", `".." is not allowed`},
		{"dot", ".\n", `"." is not allowed`},
		{"path", "../../tmp/evil\n", "contains '/'"},
		{"two lines", "fw\nother\n", "holds 2 lines; util-vserver reads only the first (\"fw\")"},
		{"300 bytes", strings.Repeat("x", 300) + "\n", "300 bytes long"},
		{"binary", "\x01\x02\xfe\xff\n", "not valid UTF-8"},
		{"control", "a\x1bb\n", "control character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := configtest.Confdir(t, map[string]string{"g/context": "10\n", "g/spaces/net": c.content})
			tree := loadTree(t, root)
			ps := tree.Check("g")
			if len(ps) != 1 || ps[0].File != filepath.Join(root, "g", "spaces/net") || !strings.Contains(ps[0].Msg, c.want) {
				t.Fatalf("Check(g) = %v, want one problem of g/spaces/net containing %q", ps, c.want)
			}
			g, _ := tree.Guest("g")
			if g.SpacesNetInvalid == nil {
				t.Error("SpacesNetInvalid not set")
			}
		})
	}
	for _, ok := range []string{"", "\n", "0\n", "other\n", "a b\n"} {
		root := configtest.Confdir(t, map[string]string{"g/context": "10\n", "g/spaces/net": ok})
		tree := loadTree(t, root)
		if ps := tree.Check("g"); len(ps) != 0 {
			t.Errorf("spaces/net %q: %v", ok, ps)
		}
	}
}
