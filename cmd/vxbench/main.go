// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Command vxbench is vserverx's benchmark: what an administrator waits for
// at vserverx's command line (start, stop, plan, list, concurrent stops of
// a group's members), how fast vserverx's engine prepares and removes a
// guest's network compared with the hand-written iproute2 scriptlet
// administrators run today (testdata/bench/ip-scriptlet.sh) and with the
// floor (bare named namespaces), and how close `vserverx start-all` comes
// to the ideal parallel wall time.
//
// It changes the network, so it runs only inside a throwaway sandbox that
// `make bench` makes for it:
//
//	unshare --net --mount --pid --fork --mount-proc --propagation private \
//		env VXBENCH_SANDBOX=1 bin/vxbench [flags]
//
// Inside, it mounts a tmpfs on /run and a sysfs on /sys and creates the
// veth pair eth0/eth0p standing in for the host NIC. Anywhere else it
// refuses to run. See README.md in this directory for the method and results.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vxbench:", err)
		os.Exit(1)
	}
}
