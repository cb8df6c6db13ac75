// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// busyboxCPIO returns the host's busybox, whose cpio applet is the
// independent reader of the archives Image writes.
func busyboxCPIO(t *testing.T) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("needs busybox (testdata/vm/fetch.sh installs busybox-static) to read the archive back")
	}
	return bb
}

func TestGuestPath(t *testing.T) {
	for in, want := range map[string]string{
		"/bin/sh":                         "usr/bin/sh",
		"bin/sh":                          "usr/bin/sh",
		"/usr/bin/sh":                     "usr/bin/sh",
		"/lib64/ld-linux-x86-64.so.2":     "usr/lib64/ld-linux-x86-64.so.2",
		"/lib/x86_64-linux-gnu/libc.so.6": "usr/lib/x86_64-linux-gnu/libc.so.6",
		"/sbin/../etc//x":                 "etc/x",
		"/bin":                            "bin",
		"/vmtest/a.test":                  "vmtest/a.test",
		"/libexec/x":                      "libexec/x",
	} {
		if got := guestPath(in); got != want {
			t.Errorf("guestPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestImageReadBack writes an image with every kind of entry and lists
// and extracts it with busybox cpio.
func TestImageReadBack(t *testing.T) {
	bb := busyboxCPIO(t)
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "tree", "sub", "data"), "tree data\n", 0o640)
	if err := os.Symlink("sub/data", filepath.Join(host, "tree", "link")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(host, "prog"), "#!/bin/sh\n", 0o755)

	im := NewImage()
	im.AddFile("/init", []byte("odd-length"), 0o755)
	im.AddSymlink("/bin/sh", "busybox")
	im.AddDir("/proc")
	if err := im.AddHostFile("/bin/prog", filepath.Join(host, "prog")); err != nil {
		t.Fatal(err)
	}
	if err := im.AddTree(filepath.Join(host, "tree"), "/src/tree"); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(host, "image.cpio")
	writeImage(t, im, archive)

	listing := cpioList(t, bb, archive)
	for _, want := range []string{
		"bin -> usr/bin", "lib64 -> usr/lib64", "dev/console", "init", "proc",
		"usr/bin/sh -> busybox", "usr/bin/prog", "src/tree/sub/data", "src/tree/link -> sub/data",
	} {
		if !strings.Contains(listing, want) {
			t.Errorf("archive listing lacks %q:\n%s", want, listing)
		}
	}
	if !strings.Contains(listing, "crw-------") {
		t.Errorf("dev/console is not a character device:\n%s", listing)
	}
	out := filepath.Join(host, "out")
	cpioExtract(t, bb, archive, out, "init", "usr/bin/prog", "src/tree/sub/data")
	checkFile(t, filepath.Join(out, "init"), "odd-length", 0o755)
	checkFile(t, filepath.Join(out, "usr/bin/prog"), "#!/bin/sh\n", 0o755)
	checkFile(t, filepath.Join(out, "src/tree/sub/data"), "tree data\n", 0o640)
}

// TestImageParentsBeforeChildren checks that every directory precedes its
// contents, as the kernel's unpacker needs.
func TestImageParentsBeforeChildren(t *testing.T) {
	bb := busyboxCPIO(t)
	im := NewImage()
	im.AddFile("/a/b/c/file", nil, 0o644)
	im.AddFile("/a.b/file", nil, 0o644)
	archive := filepath.Join(t.TempDir(), "image.cpio")
	writeImage(t, im, archive)
	seen := map[string]bool{}
	for _, name := range strings.Fields(cpioNames(t, bb, archive)) {
		if dir := filepath.Dir(name); dir != "." && !seen[dir] {
			t.Errorf("%s comes before its directory %s", name, dir)
		}
		seen[name] = true
	}
}

func TestAddProgramCarriesLibraries(t *testing.T) {
	ipPath, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("needs iproute2's ip, a dynamic executable")
	}
	im := NewImage()
	if err := im.AddProgram("ip"); err != nil {
		t.Fatal(err)
	}
	interp, err := elfInterpreter(ipPath)
	if err != nil || interp == "" {
		t.Fatalf("ip has no ELF interpreter (%v): want a dynamic executable", err)
	}
	for _, want := range []string{ipPath, interp, "/lib/x86_64-linux-gnu/libc.so.6"} {
		if !im.Has(want) {
			t.Errorf("image lacks %s after AddProgram(ip); has %v", want, keys(im))
		}
	}
}

func TestAddProgramStatic(t *testing.T) {
	bb := busyboxCPIO(t)
	if interp, _ := elfInterpreter(bb); interp != "" {
		t.Skipf("%s is dynamic (interpreter %s): install busybox-static", bb, interp)
	}
	im := NewImage()
	before := len(im.entries)
	if err := im.AddProgram(bb); err != nil {
		t.Fatal(err)
	}
	if len(im.entries) != before+1 || !im.Has(bb) {
		t.Errorf("AddProgram(static %s) added %d entries, want only itself: %v", bb, len(im.entries)-before, keys(im))
	}
}

func TestImageErrors(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "script")
	writeFile(t, notELF, "#!/bin/sh\n", 0o755)
	for _, c := range []struct {
		name string
		add  func(im *Image) error
		want string
	}{
		{"missing program", func(im *Image) error { return im.AddProgram("/nonexistent/prog") }, "adding program /nonexistent/prog to the VM image"},
		{"not ELF", func(im *Image) error { return im.AddProgram(notELF) }, "reading ELF program " + notELF},
		{"missing file", func(im *Image) error { return im.AddHostFile("/x", filepath.Join(dir, "nope")) }, "adding " + filepath.Join(dir, "nope") + " to the VM image"},
		{"directory as file", func(im *Image) error { return im.AddHostFile("/x", dir) }, "adding " + dir + " to the VM image: not a regular file"},
		{"missing tree", func(im *Image) error { return im.AddTree(filepath.Join(dir, "nope"), "/t") }, "adding tree " + filepath.Join(dir, "nope")},
	} {
		t.Run(c.name, func(t *testing.T) {
			im := NewImage()
			before := keys(im)
			err := c.add(im)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if after := keys(im); !reflect.DeepEqual(before, after) {
				t.Errorf("failed add left entries behind: %v", after)
			}
		})
	}
}

func TestParseLDD(t *testing.T) {
	out := []byte(`	linux-vdso.so.1 (0x00007ffc)
	libbpf.so.1 => /lib/x86_64-linux-gnu/libbpf.so.1 (0x00007fb6)
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fb6)
	libgone.so.1 => not found
	/lib64/ld-linux-x86-64.so.2 (0x00007fb6)
`)
	want := []string{"/lib/x86_64-linux-gnu/libbpf.so.1", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"}
	if got := parseLDD(out); !reflect.DeepEqual(got, want) {
		t.Errorf("parseLDD = %q, want %q", got, want)
	}
}

func writeFile(t *testing.T, file, content string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, perm); err != nil {
		t.Fatal(err)
	}
}

func writeImage(t *testing.T, im *Image, file string) {
	t.Helper()
	var buf bytes.Buffer
	if err := im.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func cpioList(t *testing.T, bb, archive string) string {
	t.Helper()
	out, err := exec.Command(bb, "cpio", "-tv", "-F", archive).CombinedOutput()
	if err != nil {
		t.Fatalf("busybox cpio -tv: %v\n%s", err, out)
	}
	return string(out)
}

func cpioNames(t *testing.T, bb, archive string) string {
	t.Helper()
	out, err := exec.Command(bb, "cpio", "-t", "-F", archive).CombinedOutput()
	if err != nil {
		t.Fatalf("busybox cpio -t: %v\n%s", err, out)
	}
	return string(out)
}

func cpioExtract(t *testing.T, bb, archive, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bb, append([]string{"cpio", "-id", "-F", archive}, names...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("busybox cpio -id: %v\n%s", err, out)
	}
}

func checkFile(t *testing.T, file, content string, perm os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content || fi.Mode().Perm() != perm {
		t.Errorf("%s: content %q mode %v, want %q %v", file, b, fi.Mode().Perm(), content, perm)
	}
}

func keys(im *Image) []string {
	var k []string
	for name := range im.entries {
		k = append(k, name)
	}
	sort.Strings(k)
	return k
}
