// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"

	"github.com/vserverx/vserverx/wrapper"
)

// The signal policy: SIGINT, SIGTERM and SIGHUP are caught for the whole
// command (wrapper.NotifyContext in main) and end the context of the
// running command with the signal as its cause. The lifecycle stops at the
// next step, undoes what the call created and forwards the signal to a
// running child (wrapper.Wait). A command that changes the host (start,
// stop, restart, start-all, stop-all: marked by interruptible) then leaves
// with 128+signal; others (enter, commands passed to util-vserver) leave
// with their child's code, as a shell would.

// interruptible marks the running command as one that leaves with
// 128+signal when a signal interrupts it.
func (a *app) interruptible() { a.sigExit = true }

// exitCode applies the signal policy to code, the exit code the command
// returned: an interruptible command that a signal interrupted says so and
// leaves with 128+signal.
func (a *app) exitCode(ctx context.Context, code int) int {
	i, ok := wrapper.Interruption(ctx)
	if !ok || !a.sigExit {
		return code
	}
	fmt.Fprintf(a.stderr, "vserverx: %v: exit code %d\n", i, i.ExitCode())
	return i.ExitCode()
}
