// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// Environment variables that steer TestVM.
const (
	// EnvRequire=1 turns every reason to skip TestVM (not root, assets
	// missing) into a failure; make test sets it after running
	// testdata/vm/fetch.sh.
	EnvRequire = "VSERVERX_REQUIRE_VM"
	// EnvSkip=1 skips TestVM (make test-fast).
	EnvSkip = "VSERVERX_SKIP_VM"
	// EnvPackages, a comma-separated list of package directories relative
	// to the module root, replaces vmPackages for one run (iteration).
	EnvPackages = "VSERVERX_VM_PACKAGES"
	// EnvFaults=1 adds the vlan fault-injection test (faultTests) to the
	// run and gives the VM faultTimeout (make test-vm-faults).
	EnvFaults = "VSERVERX_VM_FAULTS"
)

// faultTests run in the vserverx package when EnvFaults=1 (make test and
// make test-vm-faults set it): under qemu without KVM they take about two
// minutes, so a quick look at the VM (iteration) can leave them out. The
// VM is a throwaway sandbox, so vserverx's test-only fault hook
// (VSERVERX_TEST_SANDBOX=1) may be used there.
var faultTests = []string{"TestFaultInjectionVLAN"}

// faultTimeout bounds a VM run with faultTests.
const faultTimeout = 15 * time.Minute

// withFaultTests adds faultTests to the vserverx package of packages.
func withFaultTests(packages []vmPackage) {
	for i := range packages {
		if p := &packages[i]; p.dir == "cmd/vserverx" {
			p.run = append(append([]string(nil), p.run...), faultTests...)
			p.env = append(append([]string(nil), p.env...), "VSERVERX_TEST_SANDBOX=1")
		}
	}
}

// vmPackage is one package whose tests run inside the VM.
type vmPackage struct {
	name     string   // run name, shown as TestVM/NAME
	dir      string   // package directory relative to the module root
	mustPass []string // tests that must report PASS inside the VM
	// driverTests: run only the package's tests that call
	// nstest.RequireDriver (DriverTests), each of which must pass.
	driverTests bool
	// run, when set, runs only these top-level tests; each must pass.
	run []string
	// programs are carried on top of vmPrograms (e.g. standinPrograms).
	programs []string
	// trees are directories relative to the module root carried under
	// GuestSource (e.g. "testdata/util-vserver").
	trees []string
	// env adds NAME=VALUE settings inside the VM (for all binaries).
	env []string
	// builds are main packages of this module built static
	// (BuildProgram) and carried into the VM.
	builds []goProgram
}

// goProgram is a main package of this module the VM carries.
type goProgram struct {
	dir   string // package directory relative to the module root
	guest string // path inside the VM
}

// standinPrograms are what testdata/util-vserver's bash stand-in runs
// (see its README): bash, util-linux (busybox has no flock) and coreutils.
// Inside the VM, pass STANDIN_ALLOW_HOST=1: the VM is a throwaway machine.
var standinPrograms = []string{"bash", "unshare", "nsenter", "setsid", "flock", "mount", "umount",
	"sleep", "date", "mkdir", "mv", "rm", "readlink", "basename", "dirname", "sed", "cat"}

// vmPackages run, in this order, in one VM boot.
var vmPackages = []vmPackage{
	{name: "selftest", dir: "testdata/vmtest/selftest",
		mustPass: []string{"TestOnlyLoopback", "TestModulesLoaded", "TestVLANOnDummyTrunk", "TestVLANInNamespace", "TestIPVLANOnDummy"}},
	{name: "netns", dir: "netns", driverTests: true},
	// The end-to-end VLAN and ipvlan tests run the static vserverx (named by
	// VSERVERX_E2E_BIN, so the harness does not call go build) against the
	// stand-in util-vserver, from /src/cmd/vserverx: the harness finds
	// testdata/ at ../.. (/src).
	{name: "vserverx", dir: "cmd/vserverx", run: []string{"TestE2EClassicVLAN", "TestE2EIPVlan"},
		programs: standinPrograms, trees: []string{"testdata/util-vserver", "testdata/confdirs"},
		env:    []string{"STANDIN_ALLOW_HOST=1", "VSERVERX_E2E_BIN=/usr/sbin/vserverx"},
		builds: []goProgram{{dir: "cmd/vserverx", guest: "/usr/sbin/vserverx"}}},
}

// selectedPackages returns vmPackages, or the packages listed in list
// (see EnvPackages), named after their directory with "/" as "."; listed
// packages that vmPackages knows keep their mustPass.
func selectedPackages(list string) []vmPackage {
	if list == "" {
		return append([]vmPackage(nil), vmPackages...)
	}
	var out []vmPackage
	for _, dir := range strings.Split(list, ",") {
		dir = strings.Trim(strings.TrimSpace(dir), "./")
		p := vmPackage{name: strings.ReplaceAll(dir, "/", "."), dir: dir}
		for _, known := range vmPackages {
			if known.dir == dir {
				p = known
			}
		}
		out = append(out, p)
	}
	return out
}

// vmPrograms are the host programs the tests run inside the VM: iproute2's
// ip (nstest's witness; busybox's ip lacks netns support) and dash as
// /bin/sh (busybox sh would run its own applets, such as its ip, before
// $PATH).
var vmPrograms = []string{"ip", "sh"}

// TestVM boots Debian's stock kernel under qemu and runs vmPackages' tests
// inside it; every inner test shows as a subtest TestVM/PACKAGE/TEST.
func TestVM(t *testing.T) {
	assets, root := requireVM(t)
	ctx := context.Background()
	spec := Spec{Assets: assets, Programs: append([]string(nil), vmPrograms...)}
	if testing.Verbose() && os.Getenv("VSERVERX_VM_CONSOLE") == "1" {
		spec.Console = os.Stderr
	}
	start := time.Now()
	packages := selectedPackages(os.Getenv(EnvPackages))
	if os.Getenv(EnvFaults) == "1" {
		withFaultTests(packages)
		spec.Timeout = faultTimeout
	}
	for i := range packages {
		addPackage(ctx, t, &spec, &packages[i], root, t.TempDir())
	}
	t.Logf("built %d test binaries in %.1fs", len(spec.Tests), time.Since(start).Seconds())
	res, err := Run(ctx, spec)
	if res != nil {
		t.Logf("VM: %s (%s), accel %s, %.1fs", assets.Version, filepath.Base(assets.Kernel), res.Accel, res.Elapsed.Seconds())
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packages {
		t.Run(p.name, func(t *testing.T) { checkRun(t, res, p) })
	}
}

// addPackage builds p's tests into out and adds them, with what p carries,
// to spec; the tests it selects (run, driver tests) join p.mustPass.
func addPackage(ctx context.Context, t *testing.T, spec *Spec, p *vmPackage, root, out string) {
	t.Helper()
	tb, trees, err := PackageTest(ctx, root, p.dir, p.name, out)
	if err != nil {
		t.Fatalf("building the tests of %s for the VM: %v", p.dir, err)
	}
	run := append([]string(nil), p.run...)
	if p.driverTests {
		tests, err := DriverTests(filepath.Join(root, p.dir))
		if err != nil || len(tests) == 0 {
			t.Fatalf("no driver tests to run in the VM for %s (%v)", p.dir, err)
		}
		run = append(run, tests...)
	}
	if len(run) > 0 {
		tb.Args = append(tb.Args, "-test.run="+runPattern(run))
		p.mustPass = append(append([]string(nil), p.mustPass...), run...)
	}
	spec.Tests = append(spec.Tests, tb)
	spec.Trees = append(spec.Trees, trees...)
	for _, dir := range p.trees {
		spec.Trees = append(spec.Trees, HostPath{Host: filepath.Join(root, dir), Guest: path.Join(GuestSource, dir)})
	}
	spec.Programs = append(spec.Programs, p.programs...)
	spec.Env = append(spec.Env, p.env...)
	for _, b := range p.builds {
		bin := filepath.Join(out, path.Base(b.guest))
		if err := BuildProgram(ctx, root, b.dir, bin); err != nil {
			t.Fatalf("building %s for the VM: %v", b.dir, err)
		}
		spec.Files = append(spec.Files, HostPath{Host: bin, Guest: b.guest})
	}
}

// checkRun reports one package's run: its output, a subtest per inner test
// result, and the run's own problems.
func checkRun(t *testing.T, res *Result, p vmPackage) {
	run, ok := res.run(p.name)
	if !ok {
		t.Fatalf("%s did not run in the VM", p.name)
	}
	t.Logf("output of %s inside the VM:\n%s", p.name, run.Output)
	for _, r := range run.Tests() {
		t.Run(r.Name, func(t *testing.T) {
			if p := r.Problem(); p != "" {
				t.Error(p)
			}
		})
	}
	for _, problem := range run.RunProblems(p.mustPass) {
		t.Error(problem)
	}
}

// requireVM skips or fails TestVM (see vmGate) when it cannot run, and
// returns the assets and the module root.
func requireVM(t *testing.T) (Assets, string) {
	t.Helper()
	if nstest.InVM() {
		t.Skip("already inside the test VM")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := ModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	assets, assetsErr := FindAssets()
	verdict, reason := vmGate(os.Getenv(EnvSkip) == "1", os.Getenv(EnvRequire) == "1", os.Geteuid() == 0, assetsErr)
	switch verdict {
	case "skip":
		t.Skip(reason)
	case "fail":
		t.Fatal(reason)
	}
	return assets, root
}

// vmGate decides whether TestVM runs ("run"), skips or fails, and why:
// EnvSkip=1 skips; otherwise a missing root or missing assets skip, or
// fail when EnvRequire=1.
func vmGate(skip, require, root bool, assetsErr error) (verdict, reason string) {
	if skip {
		return "skip", EnvSkip + "=1: real-kernel VM tests left out"
	}
	var why string
	switch {
	case !root:
		why = "needs root: run as root (sudo make test)"
	case assetsErr != nil:
		why = assetsErr.Error()
	default:
		return "run", ""
	}
	if require {
		return "fail", fmt.Sprintf("%s=1 but the test VM cannot run: %s", EnvRequire, why)
	}
	return "skip", fmt.Sprintf("test VM cannot run (%s=1 makes this a failure): %s", EnvRequire, why)
}

func TestVMGate(t *testing.T) {
	missing := fmt.Errorf("%w: /x/vmlinuz", ErrAssetsMissing)
	for _, c := range []struct {
		skip, require, root bool
		assetsErr           error
		verdict, reason     string
	}{
		{false, false, true, nil, "run", ""},
		{false, true, true, nil, "run", ""},
		{true, true, true, nil, "skip", "VSERVERX_SKIP_VM=1"},
		{true, true, false, missing, "skip", "VSERVERX_SKIP_VM=1"},
		{false, false, false, nil, "skip", "needs root"},
		{false, true, false, nil, "fail", "VSERVERX_REQUIRE_VM=1 but the test VM cannot run: needs root"},
		{false, false, true, missing, "skip", "/x/vmlinuz"},
		{false, true, true, missing, "fail", "VSERVERX_REQUIRE_VM=1 but the test VM cannot run: test VM assets missing"},
	} {
		verdict, reason := vmGate(c.skip, c.require, c.root, c.assetsErr)
		if verdict != c.verdict || !strings.Contains(reason, c.reason) {
			t.Errorf("vmGate(skip=%v require=%v root=%v %v) = %s %q, want %s containing %q",
				c.skip, c.require, c.root, c.assetsErr, verdict, reason, c.verdict, c.reason)
		}
	}
}
