// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Environment variables the package reads.
const (
	// EnvCache names the asset cache directory (default: see CacheDir),
	// filled by testdata/vm/fetch.sh.
	EnvCache = "VSERVERX_VM_CACHE"
	// EnvAccel forces qemu's accelerator: "tcg" or "kvm".
	EnvAccel = "VSERVERX_VM_ACCEL"
)

// ErrAssetsMissing is returned (wrapped) when qemu, busybox or the cached
// kernel is not there; testdata/vm/fetch.sh installs them.
var ErrAssetsMissing = errors.New("test VM assets missing (run testdata/vm/fetch.sh as root)")

// Assets are the host files a VM run needs.
type Assets struct {
	Qemu    string   // qemu-system-x86_64
	Busybox string   // a busybox binary, static or not
	Kernel  string   // the cached vmlinux or vmlinuz
	Modules []Module // in load order
	Version string   // the kernel package and version, for reports
}

// FindAssets locates qemu, busybox and the kernel cache (see CacheDir).
// Every missing piece is named in the error, which wraps ErrAssetsMissing.
func FindAssets() (Assets, error) {
	var a Assets
	var missing []string
	var err error
	if a.Qemu, err = exec.LookPath("qemu-system-x86_64"); err != nil {
		missing = append(missing, "qemu-system-x86_64 (package qemu-system-x86)")
	}
	if a.Busybox, err = exec.LookPath("busybox"); err != nil {
		missing = append(missing, "busybox (package busybox-static)")
	}
	cache := CacheDir()
	if a.Kernel, err = kernelImage(cache); err != nil {
		missing = append(missing, a.Kernel)
	}
	if a.Modules, err = readModuleOrder(filepath.Join(cache, "modules")); err != nil {
		missing = append(missing, err.Error())
	}
	if len(missing) > 0 {
		return a, fmt.Errorf("%w: %s", ErrAssetsMissing, strings.Join(missing, "; "))
	}
	if v, err := os.ReadFile(filepath.Join(cache, "kernel.version")); err == nil {
		a.Version = strings.TrimSpace(string(v))
	}
	return a, nil
}

// kernelImage returns the cached kernel: vmlinux (unpacked, booted through
// its PVH entry, seconds faster under TCG) when there, else vmlinuz. The
// error names vmlinuz, the file fetch.sh always leaves.
func kernelImage(cache string) (string, error) {
	vmlinux, vmlinuz := filepath.Join(cache, "vmlinux"), filepath.Join(cache, "vmlinuz")
	if _, err := os.Stat(vmlinux); err == nil {
		return vmlinux, nil
	}
	_, err := os.Stat(vmlinuz)
	return vmlinuz, err
}

// CacheDir returns the asset cache directory, outside the working tree:
// $VSERVERX_VM_CACHE, else $XDG_CACHE_HOME/vserverx-test/vm, else
// /var/cache/vserverx-test/vm (as testdata/vm/fetch.sh chooses it; make
// clean-cache removes it).
func CacheDir() string {
	if dir := os.Getenv(EnvCache); dir != "" {
		return dir
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		base = "/var/cache"
	}
	return filepath.Join(base, "vserverx-test", "vm")
}

// A Module is a kernel module file the VM loads with insmod.
type Module struct {
	Path   string   // host path of the .ko file
	Params []string // insmod parameters, e.g. "numdummies=0"
}

// readModuleOrder reads dir/order (one module a line, in load order: its
// name and optional insmod parameters) and returns the modules, each .ko
// file checked to exist.
func readModuleOrder(dir string) ([]Module, error) {
	f, err := os.Open(filepath.Join(dir, "order"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var mods []Module
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		name := fields[0]
		ko := filepath.Join(dir, name+".ko")
		if _, err := os.Stat(ko); err != nil {
			return nil, fmt.Errorf("module %s listed in %s/order: %w", name, dir, err)
		}
		mods = append(mods, Module{Path: ko, Params: fields[1:]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s/order: %w", dir, err)
	}
	return mods, nil
}

// Accel returns qemu's accelerator: EnvAccel when set, "kvm" when a
// hardware KVM module (kvm_intel or kvm_amd) is loaded and /dev/kvm opens,
// else "tcg". A bare /dev/kvm is not enough: some hosts expose one that
// cannot boot a stock kernel.
func Accel() string {
	if a := os.Getenv(EnvAccel); a != "" {
		return a
	}
	for _, m := range []string{"/sys/module/kvm_intel", "/sys/module/kvm_amd"} {
		if _, err := os.Stat(m); err != nil {
			continue
		}
		if f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0); err == nil {
			f.Close()
			return "kvm"
		}
	}
	return "tcg"
}

// ModuleRoot returns the directory of the go.mod that holds dir, by
// walking up.
func ModuleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}
