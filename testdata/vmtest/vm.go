// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Defaults of a Spec.
const (
	DefaultTimeout = 120 * time.Second
	DefaultMemory  = "512M"
)

// ErrTimeout is returned (wrapped, with the console tail) when the VM does
// not power off within Spec.Timeout.
var ErrTimeout = errors.New("test VM timed out")

// A TestBinary is one static Go test binary the VM runs, in order, with
// -test.v.
type TestBinary struct {
	// Name is short ([A-Za-z0-9._-]+), unique in the Spec, and names the
	// run in results.
	Name string
	// Path is the host path of the binary (built with CGO_ENABLED=0, see
	// BuildTest).
	Path string
	// Dir is the guest working directory; default /vmtest/NAME. Tests
	// that open testdata/... want their package directory here (carry it
	// in Spec.Trees).
	Dir string
	// Args are more flags for the binary, e.g. "-test.run=VLAN".
	Args []string
}

func (t TestBinary) guestBinary() string { return path.Join(guestTests, t.Name+".test") }

func (t TestBinary) guestDir() string {
	if t.Dir != "" {
		return t.Dir
	}
	return path.Join(guestTests, t.Name)
}

// A HostPath is a host file or directory carried into the VM image at
// Guest.
type HostPath struct{ Host, Guest string }

// Spec describes one VM run: one boot, every test binary in order.
type Spec struct {
	Assets Assets
	Tests  []TestBinary
	// Programs are host executables (paths or names looked up in $PATH)
	// carried at their host paths with their ELF interpreter and the
	// shared libraries ldd lists, e.g. "ip", "/bin/bash". They shadow
	// busybox applets of the same path.
	Programs []string
	// Trees are host directories carried into the VM (Image.AddTree).
	Trees []HostPath
	// Files are single host files (symlinks followed, mode kept) carried
	// into the VM, e.g. a static program built with BuildProgram.
	Files []HostPath
	// Env holds more NAME=VALUE settings for the test binaries.
	Env []string
	// Timeout bounds the whole run; default DefaultTimeout.
	Timeout time.Duration
	// Memory is qemu's -m; default DefaultMemory.
	Memory string
	// Console, when set, receives the serial console as it comes.
	Console io.Writer
}

// Result is what came out of the VM.
type Result struct {
	Runs    []RunResult   // one per TestBinary that started, in order
	Console string        // the whole serial console, "\r" removed
	Elapsed time.Duration // from qemu's start to its exit
	Accel   string        // "tcg" or "kvm"
}

var validName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Run builds the initramfs, boots the kernel under qemu (serial console, no
// network, no reboot) and returns what every test binary printed and its
// exit code. It fails when the VM times out, stops before /init finished,
// or /init reports a failed step; the error then holds the console's tail.
// A test binary that fails is not an error of Run: see RunResult.
func Run(ctx context.Context, spec Spec) (*Result, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vserverx-vm-")
	if err != nil {
		return nil, fmt.Errorf("test VM work directory: %w", err)
	}
	defer os.RemoveAll(dir)
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	initrd := filepath.Join(dir, "initramfs.cpio")
	if err := spec.writeInitramfs(initrd, nonce); err != nil {
		return nil, err
	}
	res, err := spec.boot(ctx, initrd)
	if err != nil {
		return res, err
	}
	return res, res.collect(marker(nonce))
}

// validate checks the spec before anything is built.
func (s *Spec) validate() error {
	if len(s.Tests) == 0 {
		return errors.New("test VM: no test binary to run")
	}
	seen := map[string]bool{}
	for _, t := range s.Tests {
		if !validName.MatchString(t.Name) || seen[t.Name] {
			return fmt.Errorf("test VM: test binary name %q is empty, has characters outside [A-Za-z0-9._-] or is used twice", t.Name)
		}
		seen[t.Name] = true
		if _, err := os.Stat(t.Path); err != nil {
			return fmt.Errorf("test VM: test binary %s: %w", t.Name, err)
		}
	}
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	if s.Memory == "" {
		s.Memory = DefaultMemory
	}
	return nil
}

func newNonce() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("test VM nonce: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// image assembles the initramfs: busybox and its applets, the programs,
// trees, modules, test binaries, the marker file and /init.
func (s *Spec) image(nonce string) (*Image, error) {
	im := NewImage()
	for _, p := range append([]string{s.Assets.Busybox}, s.Programs...) {
		if err := im.AddProgram(p); err != nil {
			return nil, err
		}
	}
	for _, t := range s.Trees {
		if err := im.AddTree(t.Host, t.Guest); err != nil {
			return nil, err
		}
	}
	for _, f := range s.Files {
		if err := im.AddHostFile(f.Guest, f.Host); err != nil {
			return nil, err
		}
	}
	for _, mod := range s.Assets.Modules {
		if err := im.AddHostFile(path.Join(guestModules, filepath.Base(mod.Path)), mod.Path); err != nil {
			return nil, err
		}
	}
	for _, t := range s.Tests {
		if err := im.AddHostFile(t.guestBinary(), t.Path); err != nil {
			return nil, err
		}
		im.AddDir(t.guestDir())
	}
	for _, d := range []string{"/proc", "/sys", "/run", "/tmp", "/root", "/etc"} {
		im.AddDir(d)
	}
	im.AddFile(MarkerFile, []byte("vserverx test VM\n"), 0o644)
	busybox, err := filepath.Abs(s.Assets.Busybox)
	if err != nil {
		return nil, fmt.Errorf("busybox path %s: %w", s.Assets.Busybox, err)
	}
	busybox = "/" + guestPath(busybox)
	im.AddFile(guestInit, []byte(initScript(nonce, busybox, s.Assets.Modules, s.Tests, s.Env)), 0o755)
	return im, addApplets(im, s.Assets.Busybox, busybox)
}

// addApplets links every applet of the host's busybox (busybox
// --list-full) to the guest's busybox, unless the image already holds a
// file at that path.
//
// Beware: Debian's busybox sh prefers its own applets to $PATH, so a
// script run by busybox sh gets busybox's ip even where iproute2's is
// carried; carry "sh" (dash) so that /bin/sh scripts find the real tools.
func addApplets(im *Image, hostBusybox, guestBusybox string) error {
	out, err := exec.Command(hostBusybox, "--list-full").Output()
	if err != nil {
		return fmt.Errorf("%s --list-full: %w", hostBusybox, err)
	}
	for _, applet := range strings.Fields(string(out)) {
		if !im.Has(applet) {
			im.AddSymlink(applet, guestBusybox)
		}
	}
	return nil
}

// writeInitramfs writes the image to file.
func (s *Spec) writeInitramfs(file, nonce string) error {
	im, err := s.image(nonce)
	if err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("test VM initramfs: %w", err)
	}
	if err := im.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("test VM initramfs %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("test VM initramfs %s: %w", file, err)
	}
	return nil
}

// collect splits the console into runs and turns an unfinished or failed
// /init into an error.
func (r *Result) collect(m string) error {
	p := parseConsole(r.Console, m)
	r.Runs = p.runs
	switch {
	case p.initErr != "":
		return fmt.Errorf("test VM: /init failed: %s\n%s", p.initErr, consoleTail(r.Console))
	case !p.done:
		return fmt.Errorf("test VM stopped before /init finished\n%s", consoleTail(r.Console))
	}
	return nil
}

// consoleTail returns the last lines of the console, labelled.
func consoleTail(console string) string {
	const n = 60
	lines := strings.Split(strings.TrimRight(console, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintf("--- last %d lines of the VM console ---\n%s", len(lines), strings.Join(lines, "\n"))
}

// run returns the run named name.
func (r *Result) run(name string) (RunResult, bool) {
	for _, run := range r.Runs {
		if run.Name == name {
			return run, true
		}
	}
	return RunResult{}, false
}
