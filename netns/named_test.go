// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

const dir = nstest.NetnsDir

// mustCreate creates X and tears it down when the test ends.
func mustCreate(t *testing.T, name string) *NS {
	t.Helper()
	ns, err := Create(dir, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = Teardown(dir, name) })
	return ns
}

// isNsfsMount reports whether path is an nsfs mount in PID 1's mount table.
func isNsfsMount(t *testing.T, path string) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/1/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	es, err := parseMountinfo(string(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Point == path && e.FSType == "nsfs" {
			return true
		}
	}
	return false
}

// TestCreateSeenByIproute2: ip netns list shows a namespace vserverx made,
// ip netns exec runs in it, and the directory is a shared mount point.
func TestCreateSeenByIproute2(t *testing.T) {
	nstest.RequireRoot(t)
	before := nstest.Snapshot(t)
	ns, err := Create(dir, "fw")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if out := nstest.IP(t, "netns", "list"); !strings.Contains(out, "fw") {
		t.Errorf("ip netns list does not show fw:\n%s", out)
	}
	inode := func(path string) uint64 {
		var st unix.Stat_t
		if err := unix.Stat(path, &st); err != nil {
			t.Fatal(err)
		}
		return st.Ino
	}
	out := strings.TrimSpace(nstest.IP(t, "netns", "exec", "fw", "stat", "-L", "-c", "%i", "/proc/self/ns/net"))
	if want := inode(ns.Path); out != itoa(int(want)) {
		t.Errorf("ip netns exec fw runs in namespace inode %s, vserverx's fw is %d", out, want)
	}
	if m, err := mountAt(dir); err != nil || m == nil || !m.Shared {
		t.Errorf("%s is not a shared mount point: %+v %v", dir, m, err)
	}
	if _, err := Create(dir, "fw"); err == nil || !errors.Is(err, os.ErrExist) || !strings.Contains(err.Error(), "fw") {
		t.Errorf("second Create(fw): %v, want an 'exists' error naming fw", err)
	}
	names, err := List(dir)
	if err != nil || len(names) != 1 || names[0] != "fw" {
		t.Errorf("List = %v %v, want [fw]", names, err)
	}
	if err := DeleteNamespace(dir, "fw"); err != nil {
		t.Fatal(err)
	}
	if out := nstest.IP(t, "netns", "list"); strings.Contains(out, "fw") {
		t.Errorf("ip netns list still shows fw after DeleteNamespace:\n%s", out)
	}
	if err := DeleteNamespace(dir, "fw"); err != nil {
		t.Errorf("deleting a missing namespace: %v, want nil", err)
	}
	// Undo what Create did to the directory, as Ensure's undo does.
	if err := ns.dirUndo(); err != nil {
		t.Fatal(err)
	}
	nstest.AssertSame(t, before)
}

// TestAdoptIproute2: a namespace made by ip netns add is opened, used and
// torn down by vserverx; ip netns list no longer shows it afterwards.
func TestAdoptIproute2(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.IP(t, "netns", "add", "ipr")
	t.Cleanup(func() { _ = DeleteNamespace(dir, "ipr") })
	nstest.IP(t, "-n", "ipr", "link", "add", "mine0", "type", "veth", "peer", "name", "mine1")
	ns, created, undo, err := Ensure(dir, "ipr")
	if err != nil || created {
		t.Fatalf("Ensure(ipr) = created %v, %v; want adopted", created, err)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if !isNsfsMount(t, ns.Path) {
		t.Fatal("undo of an adopted namespace removed it")
	}
	links, err := Links(ns)
	if err != nil || len(links) != 3 {
		t.Fatalf("Links(ipr) = %+v %v; want lo, mine0, mine1", links, err)
	}
	ns.Close()
	if err := Teardown(dir, "ipr"); err != nil {
		t.Fatal(err)
	}
	if out := nstest.IP(t, "netns", "list"); strings.Contains(out, "ipr") {
		t.Errorf("ip netns list still shows ipr after Teardown:\n%s", out)
	}
}

// TestOpenMissingAndStale: a missing name gives ErrNotExist; a plain file
// (a crash between creating the file and mounting) gives ErrStale, which
// Ensure reports and replaces.
func TestOpenMissingAndStale(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := Open(dir, "nope"); !errors.Is(err, ErrNotExist) || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Open(nope) = %v, want ErrNotExist naming nope", err)
	}
	ns := mustCreate(t, "st")
	ns.Close()
	if err := DeleteNamespace(dir, "st"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "st")
	if err := os.WriteFile(path, nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "st"); !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open(stale) = %v, want ErrStale naming %s", err, path)
	}
	ns, created, undo, err := Ensure(dir, "st")
	if err != nil || !created || !strings.Contains(ns.Replaced, path) {
		t.Fatalf("Ensure(stale) = created %v, replaced %q, %v", created, ns.Replaced, err)
	}
	if !isNsfsMount(t, path) {
		t.Fatal("Ensure did not mount a namespace over the stale file")
	}
	ns.Close()
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("undo left %s: %v", path, err)
	}
}

// TestOpenRefusesOtherFiles: a directory or a mounted non-network
// namespace is neither adopted nor replaced.
func TestOpenRefusesOtherFiles(t *testing.T) {
	nstest.RequireRoot(t)
	mustCreate(t, "other").Close()
	p := filepath.Join(dir, "uts")
	if err := os.WriteFile(p, nil, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = DeleteNamespace(dir, "uts") })
	if err := unix.Mount("/proc/self/ns/uts", p, "none", unix.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "uts"); err == nil || !strings.Contains(err.Error(), "not a network namespace") {
		t.Errorf("Open(uts namespace) = %v, want 'not a network namespace'", err)
	}
	if _, _, _, err := Ensure(dir, "uts"); err == nil {
		t.Error("Ensure replaced a mounted uts namespace")
	}
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(filepath.Join(dir, "d"))
	if _, _, _, err := Ensure(dir, "d"); err == nil || !strings.Contains(err.Error(), "d") {
		t.Errorf("Ensure(directory) = %v, want an error naming it", err)
	}
	for _, bad := range []string{"../x", "..", "", strings.Repeat("x", config.MaxNamespaceNameLen+1)} {
		if _, err := Create(dir, bad); err == nil || !strings.Contains(err.Error(), "invalid network namespace name") {
			t.Errorf("Create(%.20q) = %v, want config's namespace name rules to refuse it", bad, err)
		}
	}
}

// TestCreateFailureLeavesNothing: when DIR cannot be made (a file is in
// the way) Create fails naming it and leaves nothing behind.
func TestCreateFailureLeavesNothing(t *testing.T) {
	nstest.RequireRoot(t)
	if err := os.WriteFile("/run/blocker", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove("/run/blocker")
	before := nstest.Snapshot(t)
	_, err := Create("/run/blocker/netns", "x")
	if err == nil || !strings.Contains(err.Error(), "/run/blocker/netns") {
		t.Fatalf("Create under a file: %v, want an error naming the directory", err)
	}
	nstest.AssertSame(t, before)
}

// TestCreateFailureUndoesDirectory: when the namespace file cannot be
// created, what Create did to DIR (bind onto itself, or making an
// existing mount point shared) is undone.
func TestCreateFailureUndoesDirectory(t *testing.T) {
	nstest.RequireRoot(t)
	if err := os.Mkdir("/run/ro", 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.Remove("/run/ro")
	if err := unix.Mount("tmpfs", "/run/ro", "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount("/run/ro", unix.MNT_DETACH)
	if err := os.Mkdir("/run/ro/netns", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("", "/run/ro", "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	before := nstest.Snapshot(t)
	for _, d := range []string{"/run/ro/netns", "/run/ro"} { // not a mount point; a private mount point
		_, err := Create(d, "x")
		if !errors.Is(err, unix.EROFS) || !strings.Contains(err.Error(), d+"/x") {
			t.Errorf("Create(%s, x) = %v, want EROFS naming %s/x", d, err, d)
		}
		nstest.AssertSame(t, before)
	}
}

// TestCreateFromOtherMountNamespace: a vserverx running in a private mount
// namespace (as util-vserver's scriptlets do) still creates the name in
// PID 1's mount namespace.
func TestCreateFromOtherMountNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	if os.Getpid() != 1 {
		t.Skip("needs to be PID 1 of the sandbox")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCreateInPrivateMountNS$", "-test.v")
	cmd.Env = append(os.Environ(), "NETNS_TEST_HELPER=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // Go makes / rprivate
	out, err := cmd.CombinedOutput()
	t.Cleanup(func() { _ = Teardown(dir, "fromchild") })
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if !isNsfsMount(t, filepath.Join(dir, "fromchild")) {
		t.Fatal("namespace made in a private mount namespace is not visible in PID 1's")
	}
	if out := nstest.IP(t, "netns", "list"); !strings.Contains(out, "fromchild") {
		t.Errorf("ip netns list on the host does not show it:\n%s", out)
	}
}

// TestHelperCreateInPrivateMountNS is run by
// TestCreateFromOtherMountNamespace in a child process.
func TestHelperCreateInPrivateMountNS(t *testing.T) {
	if os.Getenv("NETNS_TEST_HELPER") != "1" {
		t.Skip("helper of TestCreateFromOtherMountNamespace")
	}
	if same, err := sameNamespace("/proc/self/ns/mnt", "/proc/1/ns/mnt"); err != nil || same {
		t.Fatalf("helper runs in PID 1's mount namespace (%v): the test proves nothing", err)
	}
	ns, err := Create(dir, "fromchild")
	if err != nil {
		t.Fatal(err)
	}
	ns.Close()
	if _, err := os.Stat(filepath.Join(dir, "fromchild")); err == nil {
		t.Log("visible here too (propagation)")
	}
	if _, err := Open(dir, "fromchild"); err != nil {
		t.Fatalf("Open from the private mount namespace: %v", err)
	}
}

// TestEnsureRefusesMountedFile: a plain file bind-mounted at DIR/NAME looks
// stale to Open (a regular file, not nsfs) but is a mount point: Ensure
// refuses to replace it, naming it, and leaves it mounted.
func TestEnsureRefusesMountedFile(t *testing.T) {
	nstest.RequireRoot(t)
	mustCreate(t, "other").Close()
	src, p := "/run/bmsrc", filepath.Join(dir, "bm")
	for _, f := range []string{src, p} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = DeleteNamespace(dir, "bm"); os.Remove(src) })
	if err := unix.Mount(src, p, "none", unix.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	before := nstest.Snapshot(t)
	if _, err := Open(dir, "bm"); !errors.Is(err, ErrStale) {
		t.Fatalf("Open(bind-mounted file) = %v, want ErrStale", err)
	}
	_, _, _, err := Ensure(dir, "bm")
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "refusing to replace it") {
		t.Errorf("Ensure(bind-mounted file) = %v, want a refusal naming %s", err, p)
	}
	nstest.AssertSame(t, before)
}

// List returns the names in DIR, sorted, as `ip netns list` shows them (a
// missing DIR is empty): the tests' view of DIR through the host mount
// namespace.
func List(dir string) ([]string, error) {
	var names []string
	err := inHostMountNS(func() error {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("list network namespaces in %s: %w", dir, err)
		}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// TestNoHostMountNS: when PID 1's mount namespace cannot be reached,
// creating a namespace fails saying why and what to do, and leaves
// nothing; an existing one (made by ip netns add) can still be joined.
func TestNoHostMountNS(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	nstest.IP(t, "netns", "add", "made")
	t.Cleanup(func() { _ = DeleteNamespace(dir, "made") })
	saved := hostMountNS
	hostMountNS = "/nonexistent/1/ns/mnt"
	t.Cleanup(func() { hostMountNS = saved })
	_, err := Create(dir, "fresh")
	if !errors.Is(err, ErrNoHostMountNS) {
		t.Fatalf("want ErrNoHostMountNS, got %v", err)
	}
	for _, want := range []string{"/nonexistent/1/ns/mnt", "run vserverx as root in the host's PID namespace", "ip netns add X", "only joins it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "fresh")); err == nil {
		t.Error("the failed create left its file")
	}
	ns, err := Open(dir, "made")
	if err != nil {
		t.Fatalf("joining a namespace made by ip netns add: %v", err)
	}
	ns.Close()
}

// TestCreateUnderHiddenMount: when the namespace directory was a mount
// point that a later mount over its parent hides (a tmpfs on /run after
// ip netns add, as in a throwaway namespace), Create makes the directory a
// shared mount point of its own instead of taking the hidden one for it
// (and failing to make a plain directory shared, when the hidden one is
// private).
func TestCreateUnderHiddenMount(t *testing.T) {
	nstest.RequireRoot(t)
	for _, propagation := range []uintptr{unix.MS_SHARED, unix.MS_PRIVATE} {
		top := t.TempDir()
		hidden := top + "/netns"
		if err := os.Mkdir(hidden, 0o755); err != nil {
			t.Fatal(err)
		}
		mustMount(t, hidden, hidden, "none", unix.MS_BIND)
		mustMount(t, "", hidden, "none", propagation)
		mustMount(t, "tmpfs", top, "tmpfs", 0)
		createUnderHidden(t, top, hidden)
	}
}

func createUnderHidden(t *testing.T, top, hidden string) {
	t.Helper()
	ns, err := Create(hidden, "x")
	if err != nil {
		t.Fatalf("Create under a hidden mount point: %v", err)
	}
	defer ns.Close()
	if m, err := mountAt(hidden); err != nil || m == nil || !m.Shared || m.Parent != visibleMountAt(mustMounts(t), top).ID {
		t.Errorf("%s is not a shared mount point on the tmpfs: %+v %v", hidden, m, err)
	}
	if err := DeleteNamespace(hidden, "x"); err != nil {
		t.Fatal(err)
	}
	if err := ns.dirUndo(); err != nil {
		t.Fatal(err)
	}
	if m, _ := mountAt(hidden); m != nil {
		t.Errorf("the undo left %s mounted: %+v", hidden, m)
	}
}

// mustMount mounts and unmounts again (lazily) when the test ends.
func mustMount(t *testing.T, source, target, fstype string, flags uintptr) {
	t.Helper()
	if err := unix.Mount(source, target, fstype, flags, ""); err != nil {
		t.Fatalf("mount %s on %s: %v", source, target, err)
	}
	if flags&(unix.MS_SHARED|unix.MS_PRIVATE) == 0 {
		t.Cleanup(func() { _ = unix.Unmount(target, unix.MNT_DETACH) })
	}
}

func mustMounts(t *testing.T) []mountEntry {
	t.Helper()
	es, err := threadMounts()
	if err != nil {
		t.Fatal(err)
	}
	return es
}
