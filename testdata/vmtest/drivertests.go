// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// requireDriver is the nstest helper whose callers skip on a kernel
// without a driver.
const requireDriver = "RequireDriver"

// DriverTests returns, sorted, the top-level tests in the _test.go files of
// dir that call nstest.RequireDriver directly, in a closure, or through
// helper functions of those files: the tests that skip on the build
// machines' kernel and so must run inside the VM.
func DriverTests(dir string) ([]string, error) {
	calls, err := testFileCalls(dir)
	if err != nil {
		return nil, err
	}
	needs := map[string]bool{requireDriver: true}
	for changed := true; changed; {
		changed = false
		for fn, callees := range calls {
			if !needs[fn] && callsAny(callees, needs) {
				needs[fn], changed = true, true
			}
		}
	}
	var tests []string
	for fn := range calls {
		if needs[fn] && strings.HasPrefix(fn, "Test") && fn != "TestMain" {
			tests = append(tests, fn)
		}
	}
	sort.Strings(tests)
	return tests, nil
}

// testFileCalls parses the _test.go files of dir and returns, for every
// top-level function, the names it calls: plain identifiers (helpers of
// the same package) and nstest.RequireDriver.
func testFileCalls(dir string) (map[string][]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("finding the driver tests of %s: no _test.go files (%v)", dir, err)
	}
	calls := map[string][]string{}
	fset := token.NewFileSet()
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("finding the driver tests: %w", err)
		}
		f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("finding the driver tests: %w", err)
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil {
				calls[fd.Name.Name] = append(calls[fd.Name.Name], calledNames(fd.Body)...)
			}
		}
	}
	return calls, nil
}

// calledNames lists the functions a body calls by plain name, plus
// RequireDriver when it calls nstest.RequireDriver.
func calledNames(body *ast.BlockStmt) []string {
	var names []string
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			names = append(names, fun.Name)
		case *ast.SelectorExpr:
			if pkg, ok := fun.X.(*ast.Ident); ok && pkg.Name == "nstest" && fun.Sel.Name == requireDriver {
				names = append(names, requireDriver)
			}
		}
		return true
	})
	return names
}

func callsAny(callees []string, set map[string]bool) bool {
	for _, c := range callees {
		if set[c] {
			return true
		}
	}
	return false
}

// runPattern returns a -test.run pattern that selects exactly the named
// top-level tests (and all their subtests).
func runPattern(tests []string) string {
	return "^(" + strings.Join(tests, "|") + ")$"
}
