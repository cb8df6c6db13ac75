// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Test-only fault injection. EnvFault=kill:K (or term:K) makes start and
// stop send SIGKILL (SIGTERM) to this very process right after step K of
// their plan (start: the steps `plan` prints; stop: stopSteps), so that
// tests can prove that an interrupted start or stop is always repaired by
// the next one. It is honoured ONLY when EnvFaultSandbox is "1" too, which
// only the test sandbox (testdata/nstest) sets: a production host never trips
// it by accident.
const (
	EnvFault        = "VSERVERX_TEST_FAULT"
	EnvFaultSandbox = "VSERVERX_TEST_SANDBOX"
)

// fault is a parsed EnvFault: the signal and the step after which it is sent.
type fault struct {
	sig  syscall.Signal
	step int
}

// faultFromEnv reads EnvFault; ok is false when there is none, it is
// malformed, or EnvFaultSandbox is not set.
func faultFromEnv() (f fault, ok bool) {
	v := os.Getenv(EnvFault)
	if v == "" || os.Getenv(EnvFaultSandbox) != "1" {
		return fault{}, false
	}
	kind, k, found := strings.Cut(v, ":")
	n, err := strconv.Atoi(k)
	if !found || err != nil || n < 1 {
		return fault{}, false
	}
	switch kind {
	case "kill":
		return fault{syscall.SIGKILL, n}, true
	case "term":
		return fault{syscall.SIGTERM, n}, true
	}
	return fault{}, false
}

// faultAfter is called right after step k (1-based) of a start or stop. When
// EnvFault asks for it, the signal is sent to this process; after SIGTERM it
// waits (at most a second) until ctx has seen it, so that the test knows
// where the signal landed.
func (e *Env) faultAfter(ctx context.Context, op string, k int) {
	f, ok := faultFromEnv()
	if !ok || f.step != k {
		return
	}
	fmt.Fprintf(e.Err, "vserverx: test fault: %s after step %d of %s\n", unix.SignalName(f.sig), k, op)
	_ = syscall.Kill(os.Getpid(), f.sig)
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
}
