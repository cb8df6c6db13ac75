// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/cmd/vserverx/internal/cmdtable"
)

// generated are the files with parts generated from the command table,
// relative to this package, and how each is updated.
var generated = []struct {
	path   string
	update func(Table, string) (string, error)
}{
	{"../../../../man/vserverx.8", Table.UpdateMan},
	{"../../contrib/vserverx.bash-completion", Table.UpdateCompletion},
	{"../../../../README.md", Table.UpdateReadme},
}

// TestGeneratedUpToDate: the generated parts of the man page, the bash
// completion and the README are what the command table gives; when this
// fails, run go generate ./cmd/vserverx.
func TestGeneratedUpToDate(t *testing.T) {
	for _, g := range generated {
		src := readFile(t, g.path)
		out, err := g.update(current(), src)
		if err != nil {
			t.Fatalf("%s: %v", g.path, err)
		}
		if out != src {
			t.Errorf("%s is out of date with cmd/vserverx/internal/cmdtable: run go generate ./cmd/vserverx", g.path)
		}
	}
}

// TestOutOfDateIsCaught: a flag added to the table, a changed exit status
// meaning or a new command makes every generated file differ, with the
// new words in it.
func TestOutOfDateIsCaught(t *testing.T) {
	changed := current()
	changed.Commands = append([]cmdtable.Command(nil), changed.Commands...)
	for i, c := range changed.Commands {
		if c.Name == "list" {
			c.Flags = append(append([]cmdtable.Flag(nil), c.Flags...), cmdtable.Flag{Name: "frobnicate", Kind: cmdtable.Bool, Usage: "frobnicate the list"})
			changed.Commands[i] = c
		}
	}
	changed.Exits = append([]cmdtable.Exit(nil), changed.Exits...)
	changed.Exits[0].Meaning = "all went well"
	for _, g := range generated {
		src := readFile(t, g.path)
		out, err := g.update(changed, src)
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{true: "frobnicate", false: "all went well"}[!strings.HasSuffix(g.path, "README.md")]
		if out == src || !strings.Contains(strings.ReplaceAll(out, `\-`, "-"), want) {
			t.Errorf("%s: a changed table does not change it (want %q in it)", g.path, want)
		}
	}
}

// TestMarkers: a file without its markers, or with one twice, is an
// error naming the markers, not a silent success.
func TestMarkers(t *testing.T) {
	for _, src := range []string{"no markers\n", manBegin(manExitTag) + manEnd(manExitTag) + manBegin(manExitTag)} {
		if _, err := current().UpdateMan(src); err == nil || !strings.Contains(err.Error(), "BEGIN GENERATED") {
			t.Errorf("UpdateMan(%q): %v, want an error naming the markers", src, err)
		}
	}
}

// TestNotLinkedIntoVserverx: the vserverx binary does not depend on the
// generator.
func TestNotLinkedIntoVserverx(t *testing.T) {
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", "../..").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "internal/gendoc") {
		t.Errorf("vserverx links the generator:\n%s", out)
	}
	if !strings.Contains(string(out), "internal/cmdtable") {
		t.Errorf("go list -deps does not show the command table; the check proves nothing:\n%s", out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
