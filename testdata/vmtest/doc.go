// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package vmtest runs privileged tests on a real, stock Debian kernel
// inside a qemu VM, for the code paths the build machines' kernel cannot
// exercise (it lacks the 8021q, dummy and ipvlan drivers).
//
// # Model
//
// One VM boot per run. Run packs, in Go, a newc cpio initramfs holding
// busybox (its applets as symlinks), host programs with the shared
// libraries ldd lists (Spec.Programs, e.g. iproute2's ip or bash), host
// directories (Spec.Trees), the cached kernel modules and static Go test
// binaries (BuildTest: CGO_ENABLED=0 go test -c). Its /init, a busybox sh
// script, mounts proc, sysfs, devtmpfs and tmpfs on /run and /tmp, loads
// the modules in order with insmod, brings lo up, sets VSERVERX_TEST_VM=1
// and runs each test binary with -test.v between marker lines that carry
// its exit code, then powers off. qemu boots Debian's vmlinuz with the
// console on the serial port (stdio), no network and no reboot; Run reads
// the console back, splits it into one RunResult per binary and fails, with
// the console's tail, when the VM times out or /init does not finish.
//
// Inside the VM nstest.InVM is true (VSERVERX_TEST_VM=1 plus the image's
// marker file /.vserverx-test-vm): nstest.Main then runs the tests without
// re-executing them under unshare — the VM is the sandbox. All binaries of
// a run share that one VM, in order.
//
// TestVM (vm_test.go) is the runner that `make test` uses: it builds the
// packages listed in vmPackages, runs them in one VM and reports every
// inner test as a subtest TestVM/PACKAGE/TEST. Inside the VM a skipped test
// is a failure, and so is a required test (vmPackage.mustPass) without a
// PASS line.
//
// # Assets
//
// testdata/vm/fetch.sh installs qemu-system-x86 and busybox-static when
// missing and caches Debian's linux-image-*-amd64 (vmlinuz and the modules
// of testdata/vm/modules.txt, in that load order) under the cache
// directory, and unpacks vmlinux from vmlinuz (qemu boots it through its
// PVH entry, about 4 s faster under TCG). It is idempotent and offline once
// the cache is complete.
//
// # Environment
//
//	VSERVERX_VM_CACHE    asset cache (default $XDG_CACHE_HOME/vserverx-test/vm,
//	                     or /var/cache/vserverx-test/vm without XDG_CACHE_HOME)
//	VSERVERX_REQUIRE_VM  1: TestVM fails instead of skipping when it
//	                     cannot run (not root, assets missing); make test
//	VSERVERX_SKIP_VM     1: TestVM skips (make test-fast)
//	VSERVERX_VM_ACCEL    tcg or kvm; default kvm only when kvm_intel or
//	                     kvm_amd is loaded, else tcg
//	VSERVERX_VM_CONSOLE  1 (with go test -v): copy the console to stderr live
//	VSERVERX_TEST_VM     set to 1 by /init inside the VM (see nstest.InVM)
//
// # Carrying more into the VM
//
// TestVM always carries iproute2's ip and dash as /bin/sh: Debian's
// busybox sh runs its own applets (its ip has no netns support) before
// $PATH, so scripts must not run under it; /init itself runs as "busybox
// sh". A package in vmPackages adds programs, module directories,
// environment and static builds of this module's commands with its
// programs, trees, env and builds fields; standinPrograms is what
// testdata/util-vserver's stand-in needs (its own tests pass in the VM with
// it and STANDIN_ALLOW_HOST=1). The cmd/vserverx entry runs
// TestE2EClassicVLAN and TestE2EIPVlan that way: a static vserverx at
// /usr/sbin/vserverx (VSERVERX_E2E_BIN tells the test harness to use it
// instead of go build), the stand-in and testdata/confdirs under /src. Elsewhere, a Spec is
// extended so:
//
//	spec.Programs = append(spec.Programs, "bash", "/usr/bin/flock") // ELF programs, with their libraries, at their host paths
//	spec.Trees = append(spec.Trees, vmtest.HostPath{Host: root + "/testdata/util-vserver", Guest: "/src/testdata/util-vserver"})
//	spec.Env = append(spec.Env, "VSERVERX_BIN=/vmtest/vserverx")
//
// and, for a program of this module, builds it static first with
// BuildProgram and carries it in spec.Files:
//
//	vmtest.BuildProgram(ctx, root, "cmd/vserverx", filepath.Join(out, "vserverx"))
//	spec.Files = append(spec.Files, vmtest.HostPath{Host: filepath.Join(out, "vserverx"), Guest: "/usr/sbin/vserverx"})
//
// Guest
// paths follow the host's merged-/usr layout (/bin is /usr/bin). Programs
// shadow busybox applets of the same path. PackageTest runs a package's
// tests from /src/<package dir> and carries its testdata/ there, so paths
// relative to the package directory (testdata/..., ../testdata/...) work
// when the module-level trees are carried under /src too.
package vmtest
