// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportArrows: vspace (and vspace/scriptlets) do not import wrapper
// (vspace owns VSERVERX_NETNS), and wrapper does not import netns (it
// starts vserver through a Namespace).
func TestImportArrows(t *testing.T) {
	const module = "github.com/vserverx/vserverx/"
	for dir, banned := range map[string]string{".": "wrapper", "scriptlets": "wrapper", "../wrapper": "netns"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == module+banned || strings.HasPrefix(p, module+banned+"/") {
					t.Errorf("%s imports %s", f, p)
				}
			}
		}
	}
}
