// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fakeQemu writes a stand-in for qemu-system-x86_64: a bash script that
// finds the run's marker in the -initrd archive (the init script is plain
// text there) as $M, then runs body.
func fakeQemu(t *testing.T, body string) string {
	t.Helper()
	script := `#!/bin/bash
while [ $# -gt 0 ]; do [ "$1" = -initrd ] && initrd=$2; shift; done
M=$(grep -ao '@@vmtest-[0-9a-f]*' "$initrd" | head -n 1)
` + body + "\n"
	file := filepath.Join(t.TempDir(), "qemu")
	writeFile(t, file, script, 0o755)
	return file
}

// fakeSpec returns a Spec whose qemu is fakeQemu(body), with one test
// binary and no modules; TMPDIR points to a directory the caller checks.
func fakeSpec(t *testing.T, body string) (Spec, string) {
	t.Helper()
	bb := busyboxCPIO(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	kernel, bin := filepath.Join(dir, "vmlinuz"), filepath.Join(dir, "x.test")
	writeFile(t, kernel, "kernel", 0o644)
	writeFile(t, bin, "binary", 0o755)
	return Spec{
		Assets:  Assets{Qemu: fakeQemu(t, body), Busybox: bb, Kernel: kernel},
		Tests:   []TestBinary{{Name: "x", Path: bin}},
		Timeout: 20 * time.Second,
	}, tmp
}

// checkNothingLeft fails when Run left its work directory behind.
func checkNothingLeft(t *testing.T, tmp string) {
	t.Helper()
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("Run left %v behind in %s", entries[0].Name(), tmp)
	}
}

func TestRunCollectsRuns(t *testing.T) {
	spec, tmp := fakeSpec(t, `echo "$M BEGIN x"; printf '=== RUN   TestA\r\n--- PASS: TestA (0.00s)\r\n'; echo "$M END x 0"; echo "$M DONE"`)
	res, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 1 || res.Runs[0].ExitCode != 0 || res.Runs[0].Output != "=== RUN   TestA\n--- PASS: TestA (0.00s)\n" {
		t.Errorf("runs %+v", res.Runs)
	}
	if problems := res.Runs[0].Problems([]string{"TestA"}); problems != nil {
		t.Errorf("problems %q", problems)
	}
	checkNothingLeft(t, tmp)
}

func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		name, body string
		timeout    time.Duration
		want       []string
	}{
		{"timeout", `echo "booting slowly"; exec sleep 30`, time.Second,
			[]string{"test VM timed out after 1s", "--- last 1 lines of the VM console ---\nbooting slowly"}},
		{"stopped early", `echo "$M BEGIN x"; echo "Kernel panic - not syncing"`, 0,
			[]string{"test VM stopped before /init finished", "Kernel panic - not syncing"}},
		{"init failed", `echo "$M ERROR insmod 8021q.ko"`, 0,
			[]string{"test VM: /init failed: insmod 8021q.ko", "--- last 1 lines"}},
		{"qemu failed", `echo "qemu: could not load kernel" >&2; exit 1`, 0,
			[]string{"exit status 1: qemu: could not load kernel"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec, tmp := fakeSpec(t, c.body)
			if c.timeout != 0 {
				spec.Timeout = c.timeout
			}
			_, err := Run(context.Background(), spec)
			if err == nil {
				t.Fatal("Run succeeded, want an error")
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if got := errors.Is(err, ErrTimeout); got != (c.name == "timeout") {
				t.Errorf("errors.Is(err, ErrTimeout) = %v", got)
			}
			checkNothingLeft(t, tmp)
		})
	}
}

func TestRunRejectsSpec(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "x.test")
	writeFile(t, bin, "binary", 0o755)
	for _, c := range []struct {
		name  string
		tests []TestBinary
		want  string
	}{
		{"no tests", nil, "test VM: no test binary to run"},
		{"bad name", []TestBinary{{Name: "a b", Path: bin}}, `test binary name "a b"`},
		{"duplicate", []TestBinary{{Name: "a", Path: bin}, {Name: "a", Path: bin}}, `test binary name "a" `},
		{"missing binary", []TestBinary{{Name: "a", Path: bin + ".gone"}}, "test binary a: stat " + bin + ".gone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			_, err := Run(context.Background(), Spec{Tests: c.tests})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			checkNothingLeft(t, tmp)
		})
	}
}

func TestRunImageError(t *testing.T) {
	spec, tmp := fakeSpec(t, `echo "$M DONE"`)
	spec.Programs = []string{"/nonexistent/prog"}
	if _, err := Run(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "adding program /nonexistent/prog") {
		t.Fatalf("error %v, want one naming /nonexistent/prog", err)
	}
	checkNothingLeft(t, tmp)
}

func TestQemuArgs(t *testing.T) {
	got := strings.Join(qemuArgs("tcg", "512M", "/c/vmlinuz", "/w/initramfs.cpio"), " ")
	for _, want := range []string{"-accel tcg -m 512M -smp 1", "-nic none -no-reboot", "-serial stdio", "-kernel /c/vmlinuz -initrd /w/initramfs.cpio -append console=ttyS0 ", "panic=-1"} {
		if !strings.Contains(got, want) {
			t.Errorf("qemu args lack %q: %s", want, got)
		}
	}
	if kvm := strings.Join(qemuArgs("kvm", "1G", "k", "i"), " "); !strings.HasPrefix(kvm, "-accel kvm -cpu host -m 1G") {
		t.Errorf("kvm args: %s", kvm)
	}
}

func TestBuildTest(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/m\n\ngo 1.26\n", 0o644)
	writeFile(t, filepath.Join(mod, "good/good.go"), "package good\n", 0o644)
	writeFile(t, filepath.Join(mod, "good/good_test.go"), "package good\nimport \"testing\"\nfunc TestX(t *testing.T) {}\n", 0o644)
	writeFile(t, filepath.Join(mod, "good/testdata/f"), "x", 0o644)
	writeFile(t, filepath.Join(mod, "broken/broken_test.go"), "package broken\nfunc (\n", 0o644)
	writeFile(t, filepath.Join(mod, "notests/notests.go"), "package notests\n", 0o644)
	out := t.TempDir()
	ctx := context.Background()

	tb, trees, err := PackageTest(ctx, mod, "good", "good", out)
	if err != nil {
		t.Fatal(err)
	}
	if interp, err := elfInterpreter(tb.Path); err != nil || interp != "" {
		t.Errorf("%s: interpreter %q (%v), want a static binary", tb.Path, interp, err)
	}
	wantTrees := []HostPath{{Host: filepath.Join(mod, "good/testdata"), Guest: "/src/good/testdata"}}
	if tb.Dir != "/src/good" || len(trees) != 1 || trees[0] != wantTrees[0] {
		t.Errorf("PackageTest: %+v %+v, want dir /src/good and %+v", tb, trees, wantTrees)
	}
	if _, _, err := PackageTest(ctx, mod, "broken", "broken", out); err == nil || !strings.Contains(err.Error(), "go test -c -o "+filepath.Join(out, "broken.test")+" ./broken") || !strings.Contains(err.Error(), "expected ')'") {
		t.Errorf("broken package: error %v, want the go command and its compile error", err)
	}
	if err := BuildTest(ctx, mod, "notests", filepath.Join(out, "notests.test")); err == nil || !strings.Contains(err.Error(), "wrote no program") {
		t.Errorf("package without tests: error %v, want 'wrote no program'", err)
	}
	for _, name := range []string{"broken.test", "notests.test"} {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("failed build left %s behind", name)
		}
	}
}

// TestBuildNotStatic: a go command that writes a dynamic executable (a
// fake go on $PATH copying the host's true) is an error naming the
// interpreter, and the executable is not left behind.
func TestBuildNotStatic(t *testing.T) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("needs true (coreutils)")
	}
	interp, err := elfInterpreter(truePath)
	if err != nil || interp == "" {
		t.Skipf("%s is not a dynamic executable (%v)", truePath, err)
	}
	bin := t.TempDir()
	writeFile(t, filepath.Join(bin, "go"), `#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
cp `+truePath+` "$out"
`, 0o755)
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	out := filepath.Join(t.TempDir(), "prog")
	err = BuildProgram(context.Background(), t.TempDir(), "cmd/prog", out)
	if want := "go build -o " + out + " ./cmd/prog: " + out + " is not static (interpreter " + interp + ")"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("the dynamic %s was left behind", out)
	}
}

func TestFindAssetsMissing(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(EnvCache, cache)
	_, err := FindAssets()
	if !errors.Is(err, ErrAssetsMissing) {
		t.Fatalf("error %v, want ErrAssetsMissing", err)
	}
	for _, want := range []string{filepath.Join(cache, "vmlinuz"), filepath.Join(cache, "modules/order")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
}

func TestReadModuleOrder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "order"), "# comment\nllc\n\n8021q  gvrp=0 \n", 0o644)
	writeFile(t, filepath.Join(dir, "llc.ko"), "", 0o644)
	if _, err := readModuleOrder(dir); err == nil || !strings.Contains(err.Error(), "module 8021q listed in "+dir+"/order") {
		t.Errorf("error %v, want one naming 8021q and the order file", err)
	}
	writeFile(t, filepath.Join(dir, "8021q.ko"), "", 0o644)
	mods, err := readModuleOrder(dir)
	want := []Module{{Path: filepath.Join(dir, "llc.ko"), Params: []string{}}, {Path: filepath.Join(dir, "8021q.ko"), Params: []string{"gvrp=0"}}}
	if err != nil || !reflect.DeepEqual(mods, want) {
		t.Errorf("modules %+v (%v), want %+v", mods, err, want)
	}
}

func TestAccelOverride(t *testing.T) {
	t.Setenv(EnvAccel, "tcg")
	if a := Accel(); a != "tcg" {
		t.Errorf("Accel() = %q with %s=tcg", a, EnvAccel)
	}
}

func TestImageCarriesFilesAndTrees(t *testing.T) {
	bb := busyboxCPIO(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "prog"), "static program", 0o755)
	writeFile(t, filepath.Join(dir, "tree/vserver"), "#!/bin/bash\n", 0o755)
	bin := filepath.Join(dir, "x.test")
	writeFile(t, bin, "binary", 0o755)
	spec := Spec{
		Assets: Assets{Busybox: bb},
		Tests:  []TestBinary{{Name: "x", Path: bin}},
		Files:  []HostPath{{Host: filepath.Join(dir, "prog"), Guest: "/usr/sbin/vserverx"}},
		Trees:  []HostPath{{Host: filepath.Join(dir, "tree"), Guest: "/src/testdata/util-vserver"}},
	}
	im, err := spec.image("n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/usr/sbin/vserverx", "/src/testdata/util-vserver/vserver", "/vmtest/x.test", "/init", MarkerFile, "/bin/sh"} {
		if !im.Has(want) {
			t.Errorf("image lacks %s", want)
		}
	}
}

func TestKernelImagePrefersVmlinux(t *testing.T) {
	cache := t.TempDir()
	if k, err := kernelImage(cache); err == nil || k != filepath.Join(cache, "vmlinuz") {
		t.Errorf("empty cache: %s, %v; want an error naming vmlinuz", k, err)
	}
	writeFile(t, filepath.Join(cache, "vmlinuz"), "z", 0o644)
	if k, err := kernelImage(cache); err != nil || k != filepath.Join(cache, "vmlinuz") {
		t.Errorf("vmlinuz only: %s, %v", k, err)
	}
	writeFile(t, filepath.Join(cache, "vmlinux"), "x", 0o644)
	if k, err := kernelImage(cache); err != nil || k != filepath.Join(cache, "vmlinux") {
		t.Errorf("both: %s, %v; want vmlinux", k, err)
	}
}

// TestCacheDirOutsideTree: the cache is $VSERVERX_VM_CACHE, else under
// $XDG_CACHE_HOME, else under /var/cache; never in the working tree.
func TestCacheDirOutsideTree(t *testing.T) {
	cases := []struct{ cache, xdg, want string }{
		{"/c/vm", "/x", "/c/vm"},
		{"", "/home/u/.cache", "/home/u/.cache/vserverx-test/vm"},
		{"", "", "/var/cache/vserverx-test/vm"},
	}
	for _, c := range cases {
		t.Setenv(EnvCache, c.cache)
		t.Setenv("XDG_CACHE_HOME", c.xdg)
		if got := CacheDir(); got != c.want {
			t.Errorf("VSERVERX_VM_CACHE=%q XDG_CACHE_HOME=%q: CacheDir() = %s, want %s", c.cache, c.xdg, got, c.want)
		}
	}
}
