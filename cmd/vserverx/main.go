// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Command vserverx runs Linux-VServer guests in named network namespaces.
// It wraps util-vserver's vserver command: `vserverx NAME start` sets up the
// guest's namespace and runs `vserver NAME start` inside it. See
// vserverx(8).
package main

import (
	"context"
	"os"

	"github.com/vserverx/vserverx/wrapper"
)

func main() {
	ctx, stop := wrapper.NotifyContext(context.Background())
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	beforeExit()
	os.Exit(code)
}

// beforeExit runs just before the process exits (a profiling build sets
// it: see pprof.go).
var beforeExit = func() {}
