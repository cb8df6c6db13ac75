// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// sandboxEnv marks a runner started by `make bench` inside unshare.
const sandboxEnv = "VXBENCH_SANDBOX"

// markerPath is written by the runner once it has prepared the sandbox, on
// the tmpfs it mounted on /run; it holds the sandbox's network namespace
// inode. Child processes (the RSS probe) check it before touching anything.
const markerPath = "/run/vxbench.sandbox"

// errNoSandbox is wrapped by every refusal to run outside the sandbox.
var errNoSandbox = errors.New("not inside the benchmark sandbox")

// sandboxHint says how to run the benchmark.
const sandboxHint = "run it as root through `make bench`, or: unshare --net --mount --pid --fork --mount-proc --propagation private env " +
	sandboxEnv + "=1 vxbench"

// checkFreshSandbox refuses unless this process is PID 1 of a new PID
// namespace, was started with VXBENCH_SANDBOX=1, and its network namespace
// holds nothing but lo: what unshare --net --pid --fork gives, and what no
// real host looks like.
func checkFreshSandbox(pid int, env string, links []string) error {
	switch {
	case env != "1":
		return fmt.Errorf("%w: %s=1 is not set; %s", errNoSandbox, sandboxEnv, sandboxHint)
	case pid != 1:
		return fmt.Errorf("%w: the runner is pid %d, not pid 1 of its own PID namespace; %s", errNoSandbox, pid, sandboxHint)
	case len(links) != 1 || links[0] != "lo":
		return fmt.Errorf("%w: the network namespace has links %s, a fresh one has only lo; %s", errNoSandbox, strings.Join(links, ", "), sandboxHint)
	}
	return nil
}

// linkNames lists the links of the caller's network namespace.
func linkNames() ([]string, error) {
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	names := make([]string, len(links))
	for i, l := range links {
		names[i] = l.Attrs().Name
	}
	return names, nil
}

// enterSandbox checks that the runner is in a fresh sandbox and prepares
// it: a tmpfs on /run, a sysfs on /sys, lo up, the stand-in host NIC
// eth0/eth0p, the marker file; and, as the sandbox's init, it reaps
// orphaned processes from then on.
func enterSandbox() error {
	links, err := linkNames()
	if err != nil {
		return err
	}
	if err := checkFreshSandbox(os.Getpid(), os.Getenv(sandboxEnv), links); err != nil {
		return err
	}
	if err := sandbox.Prepare(); err != nil {
		return fmt.Errorf("preparing the sandbox: %w", err)
	}
	if err := sandbox.MakeHostNIC("eth0"); err != nil {
		return fmt.Errorf("preparing the sandbox: %w", err)
	}
	ino, err := netnsInode()
	if err != nil {
		return err
	}
	go reapOrphans()
	return os.WriteFile(markerPath, []byte(ino+"\n"), 0o644)
}

// checkChildSandbox refuses unless the marker the runner wrote names this
// process's network namespace.
func checkChildSandbox() error {
	if os.Getenv(sandboxEnv) != "1" {
		return fmt.Errorf("%w: %s=1 is not set; the engine probe is started by the runner", errNoSandbox, sandboxEnv)
	}
	b, err := os.ReadFile(markerPath)
	if err != nil {
		return fmt.Errorf("%w: %v", errNoSandbox, err)
	}
	ino, err := netnsInode()
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(b)) != ino {
		return fmt.Errorf("%w: %s names network namespace %s, this process is in %s", errNoSandbox, markerPath, strings.TrimSpace(string(b)), ino)
	}
	return nil
}

// netnsInode returns the inode number of the caller's network namespace.
func netnsInode() (string, error) {
	var st unix.Stat_t
	if err := unix.Stat("/proc/self/ns/net", &st); err != nil {
		return "", fmt.Errorf("stat /proc/self/ns/net: %w", err)
	}
	return strconv.FormatUint(st.Ino, 10), nil
}

// ip runs iproute2's ip, the witness of end states the runner compares
// (the scriptlet contender runs ip itself); the sandbox is built through
// netlink.
func ip(args ...string) (string, error) {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
