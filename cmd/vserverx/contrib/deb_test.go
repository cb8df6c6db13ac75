// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"bytes"
	"compress/gzip"
	"debug/buildinfo"
	"debug/elf"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// debPackage is a package built by make deb and unpacked for inspection.
type debPackage struct {
	path    string            // the .deb
	root    string            // its files (dpkg-deb -x)
	control string            // its control area (dpkg-deb -e)
	fields  map[string]string // DEBIAN/control
}

// buildDeb runs `make deb` into a temporary directory and unpacks the
// package it made.
func buildDeb(t *testing.T) *debPackage {
	t.Helper()
	requireTool(t, "make")
	dir := t.TempDir()
	cmd := exec.Command("make", "-C", repoRoot, "deb", "DEBDIR="+dir, "DEBSTAGE="+filepath.Join(dir, "stage"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make deb: %v\n%s", err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "*.deb"))
	if len(debs) != 1 {
		t.Fatalf("make deb made %d packages in %s, want 1: %v", len(debs), dir, debs)
	}
	p := &debPackage{path: debs[0], root: filepath.Join(dir, "root"), control: filepath.Join(dir, "control")}
	runOK(t, "dpkg-deb", "-x", p.path, p.root)
	runOK(t, "dpkg-deb", "-e", p.path, p.control)
	p.fields = controlFields(t, readFile(t, filepath.Join(p.control, "control")))
	return p
}

// repoRoot is the top of the repository, seen from this package.
var repoRoot = filepath.Join("..", "..", "..")

// runOK runs a command and returns its standard output; a failure fails
// the test with everything it printed.
func runOK(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s%s", cmd, err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.String()
}

// controlFields parses a control file: field name to value, continuation
// lines joined with "\n".
func controlFields(t *testing.T, text string) map[string]string {
	t.Helper()
	fields := map[string]string{}
	last := ""
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, " ") && last != "" {
			fields[last] += "\n" + line
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("control: line %q is neither a field nor a continuation", line)
		}
		last = name
		fields[name] = strings.TrimSpace(value)
	}
	return fields
}

// TestDebPackage builds the package once and checks it the way dpkg, an
// administrator and lintian see it. It needs dpkg-deb; lintian is optional.
func TestDebPackage(t *testing.T) {
	requireTool(t, "dpkg-deb")
	p := buildDeb(t)
	t.Run("control", func(t *testing.T) { checkControl(t, p) })
	t.Run("files", func(t *testing.T) { checkFilesLikeMakeInstall(t, p) })
	t.Run("conffiles", func(t *testing.T) { checkConffiles(t, p) })
	t.Run("binary", func(t *testing.T) { checkBinary(t, p) })
	t.Run("docs", func(t *testing.T) { checkDocs(t, p) })
	t.Run("maintainer-scripts", func(t *testing.T) { checkMaintainerScripts(t, p) })
	t.Run("lintian", func(t *testing.T) { checkLintian(t, p) })
}

// checkControl: the fields an administrator and dpkg rely on, the file
// name make deb promises, and an Installed-Size that matches the files.
func checkControl(t *testing.T, p *debPackage) {
	arch := strings.TrimSpace(runOK(t, "dpkg", "--print-architecture"))
	want := map[string]string{
		"Package":      "vserverx",
		"Architecture": arch,
		"Section":      "admin",
		"Priority":     "optional",
		"Recommends":   "util-vserver",
		"Depends":      "init-system-helpers (>= 1.50)",
	}
	for name, value := range want {
		if p.fields[name] != value {
			t.Errorf("control: %s is %q, want %q", name, p.fields[name], value)
		}
	}
	version := p.fields["Version"]
	if wantName := "vserverx_" + version + "_" + arch + ".deb"; filepath.Base(p.path) != wantName {
		t.Errorf("package file is %s, want %s", filepath.Base(p.path), wantName)
	}
	if version == "" || version[0] < '0' || version[0] > '9' || strings.ContainsAny(version, "-_ ") {
		t.Errorf("control: Version %q is not a Debian version without revision starting with a digit", version)
	}
	if !strings.Contains(p.fields["Maintainer"], "<") {
		t.Errorf("control: Maintainer %q has no address", p.fields["Maintainer"])
	}
	if synopsis, long, _ := strings.Cut(p.fields["Description"], "\n"); synopsis == "" || len(synopsis) > 80 || long == "" {
		t.Errorf("control: Description needs a synopsis line and a long description, got %q", p.fields["Description"])
	}
	if got, want := p.fields["Installed-Size"], strconv.Itoa(installedSize(t, p.root)); got != want {
		t.Errorf("control: Installed-Size %s, but the files take %s KiB", got, want)
	}
}

// installedSize counts KiB as dpkg-gencontrol does: each file rounded up,
// each directory or symlink one.
func installedSize(t *testing.T, root string) int {
	t.Helper()
	kib := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			kib += int((info.Size() + 1023) / 1024)
		} else {
			kib++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return kib
}

// packageOnly are the files the package adds to what make install puts in
// place; the man page is gzipped.
var packageOnly = []string{
	"usr/share/doc/vserverx/changelog.Debian.gz",
	"usr/share/doc/vserverx/copyright",
	"usr/share/lintian/overrides/vserverx",
}

// checkFilesLikeMakeInstall compares the package's files with a
// `make install DESTDIR=` tree: the same paths and modes, the same content
// apart from the binary (static and stripped in the package) and the
// gzipped man page.
func checkFilesLikeMakeInstall(t *testing.T, p *debPackage) {
	dest := t.TempDir()
	runOK(t, "make", "-C", repoRoot, "install", "DESTDIR="+dest)
	installed := fileModes(t, dest)
	packaged := fileModes(t, p.root)
	installed["usr/share/man/man8/vserverx.8.gz"] = installed["usr/share/man/man8/vserverx.8"]
	delete(installed, "usr/share/man/man8/vserverx.8")
	for _, name := range packageOnly {
		installed[name] = 0o644
	}
	for name, mode := range installed {
		switch got, ok := packaged[name]; {
		case !ok && slices.Contains(packageOnly, name):
			t.Errorf("package lacks %s", name)
		case !ok:
			t.Errorf("package lacks %s (make install puts it there)", name)
		case got != mode:
			t.Errorf("package has %s with mode %v, want %v", name, got, mode)
		}
	}
	for name := range packaged {
		if _, ok := installed[name]; !ok {
			t.Errorf("package has %s, which make install does not install", name)
		}
	}
	for name := range installed {
		if name != "usr/sbin/vserverx" && !strings.HasSuffix(name, ".gz") && !slices.Contains(packageOnly, name) {
			sameContent(t, filepath.Join(dest, name), filepath.Join(p.root, name))
		}
	}
	if man := gunzip(t, filepath.Join(p.root, "usr/share/man/man8/vserverx.8.gz")); man != readFile(t, filepath.Join(repoRoot, "man/vserverx.8")) {
		t.Error("usr/share/man/man8/vserverx.8.gz is not man/vserverx.8")
	}
}

// fileModes maps every regular file or symlink below root to its mode.
func fileModes(t *testing.T, root string) map[string]fs.FileMode {
	t.Helper()
	modes := map[string]fs.FileMode{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		modes[rel] = info.Mode()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return modes
}

func sameContent(t *testing.T, a, b string) {
	t.Helper()
	if readFile(t, a) != readFile(t, b) {
		t.Errorf("%s differs from %s", b, a)
	}
}

// gunzip returns the content of a file written by `gzip -9n`; it fails the
// test when the header carries a name or a time (not -n) or does not say
// maximum compression (not -9).
func gunzip(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	const flagName, maxCompression = 0x08, 2
	if len(raw) < 10 || raw[3]&flagName != 0 || !bytes.Equal(raw[4:8], []byte{0, 0, 0, 0}) || raw[8] != maxCompression {
		t.Errorf("%s was not written by gzip -9n (header % x)", name, raw[:min(len(raw), 10)])
	}
	r, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	text, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(text)
}

// checkConffiles: both files under /etc are conffiles, so dpkg keeps an
// administrator's changes.
func checkConffiles(t *testing.T, p *debPackage) {
	got := readFile(t, filepath.Join(p.control, "conffiles"))
	var inEtc []string
	for name := range fileModes(t, p.root) {
		if strings.HasPrefix(name, "etc/") {
			inEtc = append(inEtc, "/"+name)
		}
	}
	slices.Sort(inEtc)
	want := "/etc/default/vserverx\n/etc/init.d/vserverx\n/etc/iproute2/rt_protos.d/vserverx.conf\n"
	if got != want || strings.Join(inEtc, "\n")+"\n" != want {
		t.Errorf("conffiles %q and files in /etc %q; want both %q", got, inEtc, want)
	}
}

// checkBinary: the packaged vserverx reports the package version, is
// static (no program interpreter), built with CGO_ENABLED=0 and -trimpath,
// and the copyright file names exactly the Go modules linked into it.
func checkBinary(t *testing.T, p *debPackage) {
	bin := filepath.Join(p.root, "usr/sbin/vserverx")
	if out := runOK(t, bin, "--version"); out != "vserverx version "+p.fields["Version"]+"\n" {
		t.Errorf("vserverx --version printed %q, want the package version %s", out, p.fields["Version"])
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Error("usr/sbin/vserverx has a program interpreter: it is dynamically linked")
		}
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath=true"} {
		if !slices.ContainsFunc(info.Settings, func(s debug.BuildSetting) bool { return s.Key+"="+s.Value == want }) {
			t.Errorf("usr/sbin/vserverx was not built with %s: %v", want, info.Settings)
		}
	}
	checkCopyrightLists(t, readFile(t, filepath.Join(p.root, "usr/share/doc/vserverx/copyright")), info)
}

// checkCopyrightLists: the copyright file has a Files paragraph for
// vserverx (*), the Go standard library (go/*) and each module linked into
// the binary, with its version, and none for anything else.
func checkCopyrightLists(t *testing.T, copyright string, info *debug.BuildInfo) {
	want := []string{"*", "go/*"}
	for _, dep := range info.Deps {
		want = append(want, dep.Path+"/*")
		if comment := "Comment: Go module " + dep.Path + " " + dep.Version + ".\n"; !strings.Contains(copyright, comment) {
			t.Errorf("copyright lacks %q", comment)
		}
	}
	var got []string
	for _, para := range strings.Split(copyright, "\n\n") {
		if files, ok := strings.CutPrefix(para, "Files: "); ok {
			got = append(got, strings.SplitN(files, "\n", 2)[0])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("copyright has Files paragraphs %q; the binary contains %q", got, want)
	}
}

// checkDocs: the Debian changelog names this version, the copyright file
// is machine-readable (DEP-5).
func checkDocs(t *testing.T, p *debPackage) {
	changelog := gunzip(t, filepath.Join(p.root, "usr/share/doc/vserverx/changelog.Debian.gz"))
	if first := "vserverx (" + p.fields["Version"] + ") unstable; urgency=medium\n"; !strings.HasPrefix(changelog, first) {
		t.Errorf("changelog.Debian does not start with %q:\n%s", first, changelog)
	}
	copyright := readFile(t, filepath.Join(p.root, "usr/share/doc/vserverx/copyright"))
	if !strings.HasPrefix(copyright, "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n") {
		t.Error("copyright is not a DEP-5 file (no Format: line)")
	}
}
