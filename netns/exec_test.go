// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// execProbe prints what ip netns exec changes: the network namespace, the
// interfaces /sys shows, /etc/hosts and the propagation of a shared mount.
const execProbe = `stat -L -c %i /proc/self/ns/net; ls /sys/class/net | tr '\n' ' '; echo; cat /etc/hosts;
grep ' /run/shr ' /proc/self/mountinfo | sed 's/ - .*//' | cut -d' ' -f7-`

// fakeEtc mounts, in the sandbox only, a tmpfs over /etc holding hosts and
// netns/NAME/hosts, and a shared tmpfs at /run/shr.
func fakeEtc(t *testing.T, name string) {
	t.Helper()
	mount := func(src, dst, fstype string, flags uintptr) {
		if err := unix.Mount(src, dst, fstype, flags, ""); err != nil {
			t.Fatalf("mount %s: %v", dst, err)
		}
	}
	mount("tmpfs", "/etc", "tmpfs", 0)
	t.Cleanup(func() { unix.Unmount("/etc", unix.MNT_DETACH) })
	if err := os.MkdirAll("/etc/netns/"+name, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/etc/hosts", []byte("host-hosts\n"), 0o644)
	os.WriteFile("/etc/netns/"+name+"/hosts", []byte("netns-hosts\n"), 0o644)
	os.Mkdir("/run/shr", 0o755)
	mount("tmpfs", "/run/shr", "tmpfs", 0)
	mount("", "/run/shr", "", unix.MS_SHARED)
	t.Cleanup(func() { unix.Unmount("/run/shr", unix.MNT_DETACH); os.Remove("/run/shr") })
}

// TestStartInLikeIpNetnsExec: with all options StartIn shows the child the
// same world as ip netns exec, and changes nothing for the caller.
func TestStartInLikeIpNetnsExec(t *testing.T) {
	nstest.RequireRoot(t)
	ns := mustCreate(t, "ex")
	nstest.IP(t, "-n", "ex", "link", "add", "exv0", "type", "veth", "peer", "name", "exv1")
	fakeEtc(t, "ex")
	before := nstest.Snapshot(t)
	want := nstest.IP(t, "netns", "exec", "ex", "sh", "-c", execProbe)
	var out strings.Builder
	cmd := exec.Command("sh", "-c", execProbe)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := StartIn(ns, cmd, ExecOptions{RSlave: true, FreshSys: true, EtcNetns: true}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if out.String() != want {
		t.Errorf("StartIn's child sees\n%s\nip netns exec's sees\n%s", out.String(), want)
	}
	for _, w := range []string{"exv0", "netns-hosts", "master:"} {
		if !strings.Contains(want, w) {
			t.Errorf("probe output lacks %q, the comparison proves little:\n%s", w, want)
		}
	}
	if b, _ := os.ReadFile("/etc/hosts"); string(b) != "host-hosts\n" {
		t.Errorf("caller's /etc/hosts changed: %q", b)
	}
	if _, err := os.Stat("/sys/class/net/exv0"); err == nil {
		t.Error("caller's /sys shows the namespace's device")
	}
	nstest.AssertSame(t, before)
}

// TestStartInNoOptions: the child's network namespace is n, its mount
// namespace the caller's, stdio passed through.
func TestStartInNoOptions(t *testing.T) {
	nstest.RequireRoot(t)
	ns := mustCreate(t, "plain")
	var out strings.Builder
	cmd := exec.Command("sh", "-c", "read x; echo $x; stat -L -c %i /proc/self/ns/net /proc/self/ns/mnt")
	cmd.Stdin, cmd.Stdout = strings.NewReader("hello\n"), &out
	if err := StartIn(ns, cmd, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	var netSt, mntSt unix.Stat_t
	unix.Fstat(ns.Fd(), &netSt)
	unix.Stat("/proc/self/ns/mnt", &mntSt)
	if want := "hello\n" + itoa(int(netSt.Ino)) + "\n" + itoa(int(mntSt.Ino)) + "\n"; out.String() != want {
		t.Errorf("child printed %q, want %q (stdin echoed, namespace, our mount namespace)", out.String(), want)
	}
	cmd = exec.Command("true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := StartIn(ns, cmd, ExecOptions{RSlave: true}); err == nil || !strings.Contains(err.Error(), "Pdeathsig") {
		t.Errorf("Pdeathsig with a private mount namespace: %v", err)
	}
	if err := StartIn(nil, exec.Command("true"), ExecOptions{EtcNetns: true}); err == nil {
		t.Error("EtcNetns without a namespace accepted")
	}
}

// TestStartInBadEtcNetns: a file in /etc/netns/X without a counterpart in
// /etc fails naming both, and no child is started.
func TestStartInBadEtcNetns(t *testing.T) {
	nstest.RequireRoot(t)
	ns := mustCreate(t, "bad")
	fakeEtc(t, "bad")
	os.WriteFile("/etc/netns/bad/nothere", nil, 0o644)
	cmd := exec.Command("true")
	err := StartIn(ns, cmd, ExecOptions{EtcNetns: true})
	if err == nil || !strings.Contains(err.Error(), "/etc/netns/bad/nothere") || !strings.Contains(err.Error(), "/etc/nothere") || !strings.Contains(err.Error(), "bad") {
		t.Errorf("StartIn = %v, want an error naming both files and the namespace", err)
	}
	if cmd.Process != nil {
		t.Error("a child was started")
	}
}

// TestReplace: the replacing program runs in the namespace (checked in a
// child test process, which Replace turns into sh).
func TestReplace(t *testing.T) {
	nstest.RequireRoot(t)
	ns := mustCreate(t, "rp")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperReplace$")
	cmd.Env = append(os.Environ(), "NETNS_TEST_REPLACE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var st unix.Stat_t
	if err := unix.Fstat(ns.Fd(), &st); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), itoa(int(st.Ino)); got != "replaced "+want {
		t.Errorf("the replacing program printed %q, want %q", got, "replaced "+want)
	}
}

// TestHelperReplace is run by TestReplace in a child process: it replaces
// itself by sh inside rp.
func TestHelperReplace(t *testing.T) {
	if os.Getenv("NETNS_TEST_REPLACE") != "1" {
		t.Skip("helper of TestReplace")
	}
	ns, err := Open(dir, "rp")
	if err != nil {
		t.Fatal(err)
	}
	err = Replace(ns, "/bin/sh", []string{"sh", "-c", "echo replaced $(stat -L -c %i /proc/self/ns/net)"}, os.Environ())
	t.Fatalf("Replace returned: %v", err)
}

// TestReplaceFails: a program that cannot be executed is an error, and
// the thread that entered the namespace for it does not stay there.
func TestReplaceFails(t *testing.T) {
	nstest.RequireRoot(t)
	ns := mustCreate(t, "rpf")
	err := Replace(ns, "/nonexistent/prog", []string{"prog"}, nil)
	if !errors.Is(err, unix.ENOENT) {
		t.Fatalf("Replace(/nonexistent/prog) = %v, want ENOENT", err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		pids, err := Pids(ns)
		if err != nil {
			t.Fatal(err)
		}
		if len(pids) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the failed Replace processes %v are still in rpf", pids)
		}
		time.Sleep(10 * time.Millisecond)
	}
	closed := &NS{Name: "gone", fd: -1}
	if err := Replace(closed, "/bin/true", []string{"true"}, nil); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Replace into a closed namespace = %v, want an error naming it", err)
	}
}
