// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// GuestSource is where PackageTest puts a package's directory inside the
// VM: /src/<package dir relative to the module root>, so that relative
// paths such as testdata/ and ../testdata/ resolve as on the host.
const GuestSource = "/src"

// BuildTest compiles the tests of the package in dir pkgDir (relative to
// moduleRoot, e.g. "netns") into the static binary out and checks that it
// is static.
//
// Equivalent to: CGO_ENABLED=0 go test -c -o OUT ./PKGDIR
func BuildTest(ctx context.Context, moduleRoot, pkgDir, out string) error {
	return goStatic(ctx, moduleRoot, out, "test", "-c", "-o", out, "./"+pkgDir)
}

// BuildProgram compiles the main package in pkgDir (relative to
// moduleRoot, e.g. "cmd/vserverx") into the static binary out.
//
// Equivalent to: CGO_ENABLED=0 go build -o OUT ./PKGDIR
func BuildProgram(ctx context.Context, moduleRoot, pkgDir, out string) error {
	return goStatic(ctx, moduleRoot, out, "build", "-o", out, "./"+pkgDir)
}

// goStatic runs go with CGO_ENABLED=0 in moduleRoot and checks that it
// wrote out as a static executable; a dynamic one is removed.
func goStatic(ctx context.Context, moduleRoot, out string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, b)
	}
	interp, err := elfInterpreter(out)
	if err != nil {
		return fmt.Errorf("go %s wrote no program: %w", strings.Join(args, " "), err)
	}
	if interp != "" {
		os.Remove(out)
		return fmt.Errorf("go %s: %s is not static (interpreter %s)", strings.Join(args, " "), out, interp)
	}
	return nil
}

// PackageTest builds the tests of pkgDir (relative to moduleRoot) into
// outDir and returns the TestBinary named name that runs them in the VM
// from GuestSource/pkgDir, plus the HostPath that carries the package's
// testdata directory there when it has one.
func PackageTest(ctx context.Context, moduleRoot, pkgDir, name, outDir string) (TestBinary, []HostPath, error) {
	out := filepath.Join(outDir, name+".test")
	if err := BuildTest(ctx, moduleRoot, pkgDir, out); err != nil {
		return TestBinary{}, nil, err
	}
	guestDir := path.Join(GuestSource, filepath.ToSlash(pkgDir))
	tb := TestBinary{Name: name, Path: out, Dir: guestDir}
	testdata := filepath.Join(moduleRoot, pkgDir, "testdata")
	if fi, err := os.Stat(testdata); err == nil && fi.IsDir() {
		return tb, []HostPath{{Host: testdata, Guest: path.Join(guestDir, "testdata")}}, nil
	}
	return tb, nil, nil
}
