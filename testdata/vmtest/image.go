// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// usrMerged maps the top-level directories that are symlinks into /usr on
// a merged-/usr system (Debian 12) to their targets. The image has the same
// layout, so a program and the libraries ldd names are found at the paths
// they have on the host.
var usrMerged = map[string]string{"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib64": "usr/lib64"}

// An Image is the file tree of an initramfs, collected in memory and
// written as a newc cpio archive. Paths are guest paths; host files are
// read when the archive is written.
type Image struct {
	entries map[string]*imageEntry
}

// imageEntry is one file, directory, symlink or device node of an Image.
type imageEntry struct {
	mode         uint32 // cpio type and permission bits
	data         []byte // content, or a symlink's target
	host         string // host file to copy the content from, if set
	major, minor uint32 // device numbers of a device node
}

// NewImage returns an image that holds the merged-/usr layout (/bin,
// /sbin, /lib, /lib64 as symlinks into /usr) and /dev/console, which the
// kernel opens for /init before devtmpfs is mounted.
func NewImage() *Image {
	im := &Image{entries: map[string]*imageEntry{}}
	for top, target := range usrMerged {
		im.entries[top] = &imageEntry{mode: modeSymlink | 0o777, data: []byte(target)}
	}
	im.entries["dev/console"] = &imageEntry{mode: modeCharDev | 0o600, major: 5, minor: 1}
	return im
}

// guestPath cleans a guest path, drops the leading slash and resolves the
// merged-/usr symlinks, so that /bin/sh and /usr/bin/sh are one entry.
func guestPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	top, rest, ok := strings.Cut(p, "/")
	if target, merged := usrMerged[top]; ok && merged {
		return target + "/" + rest
	}
	return p
}

// Has reports whether the image holds guestPath.
func (im *Image) Has(guest string) bool {
	_, ok := im.entries[guestPath(guest)]
	return ok
}

// AddFile adds a file with the given content.
func (im *Image) AddFile(guest string, data []byte, perm fs.FileMode) {
	im.entries[guestPath(guest)] = &imageEntry{mode: modeFile | uint32(perm.Perm()), data: data}
}

// AddSymlink adds a symbolic link to target.
func (im *Image) AddSymlink(guest, target string) {
	im.entries[guestPath(guest)] = &imageEntry{mode: modeSymlink | 0o777, data: []byte(target)}
}

// AddDir adds an empty directory (parents of files are added anyway).
func (im *Image) AddDir(guest string) {
	im.entries[guestPath(guest)] = &imageEntry{mode: modeDir | 0o755}
}

// AddHostFile adds the host file host (symlinks followed) as guest,
// keeping its permission bits.
func (im *Image) AddHostFile(guest, host string) error {
	fi, err := os.Stat(host)
	if err != nil {
		return fmt.Errorf("adding %s to the VM image: %w", host, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("adding %s to the VM image: not a regular file", host)
	}
	im.entries[guestPath(guest)] = &imageEntry{mode: modeFile | uint32(fi.Mode().Perm()), host: host}
	return nil
}

// AddTree copies the host directory host into the image as guest:
// directories, regular files and symlinks, with their permission bits.
func (im *Image) AddTree(host, guest string) error {
	return filepath.WalkDir(host, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("adding tree %s to the VM image: %w", host, err)
		}
		rel, _ := filepath.Rel(host, p)
		dst := path.Join(guest, filepath.ToSlash(rel))
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return fmt.Errorf("adding tree %s to the VM image: %w", host, err)
			}
			im.AddSymlink(dst, target)
		case d.IsDir():
			im.AddDir(dst)
		default:
			return im.AddHostFile(dst, p)
		}
		return nil
	})
}

// AddProgram adds the host executable at its own path, together with its
// ELF interpreter and the shared libraries ldd lists, each at its host
// path. A bare name is looked up in $PATH. Equivalent to copying what
// `ldd PROGRAM` lists, as initramfs-tools' copy_exec does.
func (im *Image) AddProgram(program string) error {
	host, err := exec.LookPath(program)
	if err != nil {
		return fmt.Errorf("adding program %s to the VM image: %w", program, err)
	}
	if host, err = filepath.Abs(host); err != nil {
		return fmt.Errorf("adding program %s to the VM image: %w", program, err)
	}
	libs, err := sharedLibraries(host)
	if err != nil {
		return err
	}
	staged := &Image{entries: map[string]*imageEntry{}}
	for _, f := range append([]string{host}, libs...) {
		if err := staged.AddHostFile(f, f); err != nil {
			return err
		}
	}
	for name, e := range staged.entries {
		im.entries[name] = e
	}
	return nil
}

// sharedLibraries returns the ELF interpreter and the libraries a dynamic
// executable needs, or nothing for a static one.
func sharedLibraries(program string) ([]string, error) {
	interp, err := elfInterpreter(program)
	if err != nil || interp == "" {
		return nil, err
	}
	out, err := exec.Command("ldd", program).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", program, err)
	}
	return append([]string{interp}, parseLDD(out)...), nil
}

// elfInterpreter returns the PT_INTERP path of an ELF executable ("" when
// it is static).
func elfInterpreter(program string) (string, error) {
	f, err := elf.Open(program)
	if err != nil {
		return "", fmt.Errorf("reading ELF program %s: %w", program, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(p.Open())
		if err != nil {
			return "", fmt.Errorf("reading the interpreter of %s: %w", program, err)
		}
		return string(bytes.TrimRight(b, "\x00")), nil
	}
	return "", nil
}

// parseLDD returns the library paths of ldd's output: the targets of
// "name => /path (addr)" lines and lines that start with a path.
func parseLDD(out []byte) []string {
	var libs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if _, target, ok := strings.Cut(line, "=> "); ok {
			line = target
		}
		if p, _, _ := strings.Cut(line, " "); strings.HasPrefix(p, "/") {
			libs = append(libs, p)
		}
	}
	return libs
}

// Write writes the image as a newc cpio archive, every directory before
// its contents.
func (im *Image) Write(w io.Writer) error {
	im.addParents()
	names := make([]string, 0, len(im.entries))
	for name := range im.entries {
		names = append(names, name)
	}
	sort.Strings(names)
	c := newCPIOWriter(w)
	for _, name := range names {
		e := im.entries[name]
		data := e.data
		if e.host != "" {
			var err error
			if data, err = os.ReadFile(e.host); err != nil {
				return fmt.Errorf("writing the VM image: %w", err)
			}
		}
		c.entry(cpioHeader{name: name, mode: e.mode, major: e.major, minor: e.minor}, data)
	}
	return c.Close()
}

// addParents adds the missing parent directories of every entry.
func (im *Image) addParents() {
	for name := range im.entries {
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if _, ok := im.entries[dir]; !ok {
				im.entries[dir] = &imageEntry{mode: modeDir | 0o755}
			}
		}
	}
}
