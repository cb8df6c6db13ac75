// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestParseID reads what readlink /proc/PID/ns/net prints, and nothing else.
func TestParseID(t *testing.T) {
	if ino, err := ParseID("net:[4026531840]\n"); err != nil || ino != 4026531840 {
		t.Errorf("ParseID = %d %v, want 4026531840", ino, err)
	}
	for _, bad := range []string{"", "4026531840", "4026531840]", "net:[4026531840", "mnt:[4026531840]", "net:[x]", "net:[]", "net:[0]"} {
		if ino, err := ParseID(bad); err == nil || !strings.Contains(err.Error(), "not a network namespace") {
			t.Errorf("ParseID(%q) = %d %v, want an error", bad, ino, err)
		}
	}
}

// nameless makes namespace name with a sleep in it, then removes its name
// (as ip netns del): it returns the inode and the sleep's pid.
func nameless(t *testing.T, name string) (uint64, int) {
	t.Helper()
	ns := mustCreate(t, name)
	ino, err := ns.ID()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sleep", "60")
	if err := StartIn(ns, cmd, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ns.Close()
	nstest.IP(t, "netns", "del", name)
	if _, err := Open(dir, name); !errors.Is(err, ErrNotExist) {
		t.Fatalf("after ip netns del: Open = %v, want ErrNotExist", err)
	}
	return ino, cmd.Process.Pid
}

// TestAttachNamesAgain: a namespace whose name was removed while a process
// lives in it is found by its inode, opened through that process and named
// again; iproute2 sees the same namespace; the undo removes the name only.
func TestAttachNamesAgain(t *testing.T) {
	nstest.RequireRoot(t)
	ino, pid := nameless(t, "lost")
	before := nstest.Snapshot(t) // ip netns del leaves /run/netns a mount
	pids, err := PidsInID(ino)
	if err != nil || !slices.Contains(pids, pid) {
		t.Fatalf("PidsInID = %v %v, want it to hold %d", pids, err, pid)
	}
	ns, err := OpenPid("lost", pid, ino)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	undo, err := Attach(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	if ns.Path != dir+"/lost" {
		t.Errorf("Path = %q", ns.Path)
	}
	if out := nstest.IP(t, "netns", "list"); !strings.Contains(out, "lost") {
		t.Errorf("ip netns list does not show lost:\n%s", out)
	}
	out := strings.TrimSpace(nstest.IP(t, "netns", "exec", "lost", "stat", "-L", "-c", "%i", "/proc/self/ns/net"))
	if out != fmt.Sprint(ino) {
		t.Errorf("ip netns exec lost runs in net:[%s], want net:[%d]", out, ino)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "lost"); !errors.Is(err, ErrNotExist) {
		t.Errorf("after the undo: Open = %v, want ErrNotExist", err)
	}
	if err := unix.Kill(pid, 0); err != nil {
		t.Errorf("the process in the namespace is gone after the undo: %v", err)
	}
	nstest.AssertSame(t, before)
}

// TestAttachReplacesStaleFile: a plain file left where the name was (as
// util-vserver's namespace cleanup leaves one) is replaced.
func TestAttachReplacesStaleFile(t *testing.T) {
	nstest.RequireRoot(t)
	ino, pid := nameless(t, "stale")
	if err := os.WriteFile(dir+"/stale", nil, 0o444); err != nil {
		t.Fatal(err)
	}
	ns, err := OpenPid("stale", pid, ino)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if _, err := Attach(dir, ns); err != nil {
		t.Fatal(err)
	}
	named, err := Open(dir, "stale")
	if err != nil {
		t.Fatal(err)
	}
	defer named.Close()
	if got, _ := named.ID(); got != ino {
		t.Errorf("stale names net:[%d], want net:[%d]", got, ino)
	}
}

// TestAttachRefusesTakenName: a name that holds another namespace is not
// replaced, and that namespace stays.
func TestAttachRefusesTakenName(t *testing.T) {
	nstest.RequireRoot(t)
	ino, pid := nameless(t, "taken")
	other := mustCreate(t, "taken")
	otherID, _ := other.ID()
	ns, err := OpenPid("taken", pid, ino)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	_, err = Attach(dir, ns)
	if err == nil || !strings.Contains(err.Error(), "already names a network namespace") {
		t.Fatalf("Attach onto a taken name = %v", err)
	}
	named, err := Open(dir, "taken")
	if err != nil {
		t.Fatal(err)
	}
	defer named.Close()
	if got, _ := named.ID(); got != otherID {
		t.Errorf("taken now names net:[%d], want the other one net:[%d]", got, otherID)
	}
}

// TestOpenPidWrongNamespace: a process that is not (or no longer) in the
// namespace asked for is refused.
func TestOpenPidWrongNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	ino, _ := nameless(t, "wrong")
	_, err := OpenPid("wrong", os.Getpid(), ino)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("not in net:[%d]", ino)) {
		t.Errorf("OpenPid of a process elsewhere = %v", err)
	}
	if _, err := OpenPid("wrong", 1<<22+1, ino); err == nil || !strings.Contains(err.Error(), "process 4194305") {
		t.Errorf("OpenPid of no process = %v", err)
	}
}

// TestOwnLinkNames: only links carrying vserverx's alias for the
// namespace's own name count.
func TestOwnLinkNames(t *testing.T) {
	nstest.RequireRoot(t)
	mustCreate(t, "own")
	nstest.IP(t, "-n", "own", "link", "add", "d1", "type", "veth", "peer", "name", "d2")
	ns, err := Open(dir, "own")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if names, err := OwnLinkNames(ns); err != nil || len(names) != 0 {
		t.Fatalf("OwnLinkNames without aliases = %v %v", names, err)
	}
	nstest.IP(t, "-n", "own", "link", "set", "d1", "alias", "vserverx:own:1")
	nstest.IP(t, "-n", "own", "link", "set", "d2", "alias", "vserverx:other:2")
	if names, err := OwnLinkNames(ns); err != nil || !slices.Equal(names, []string{"d1"}) {
		t.Errorf("OwnLinkNames = %v %v, want [d1]", names, err)
	}
}
