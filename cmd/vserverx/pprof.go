// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

//go:build vxpprof

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// A build with the tag vxpprof (go build -tags urfave_cli_no_docs,vxpprof)
// writes a CPU profile of every run to the directory named by
// VSERVERX_CPUPROFILE, one file per process (cpu.PID), sampled at 1 kHz: a
// command runs for milliseconds, so profiles of many runs are merged
// (go tool pprof bin/vserverx DIR/cpu.*). For the benchmark only.
func init() {
	dir := os.Getenv("VSERVERX_CPUPROFILE")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu.%d", os.Getpid())))
	if err != nil {
		fmt.Fprintln(os.Stderr, "vserverx: cpu profile:", err)
		return
	}
	runtime.SetCPUProfileRate(1000)
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "vserverx: cpu profile:", err)
		return
	}
	beforeExit = func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
