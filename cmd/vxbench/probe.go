// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// runProbe is `vxbench engine -confdir DIR -n N [-reps R] [-cpuprofile F]`:
// a fresh process that does nothing but the engine's setup and teardown of
// N namespaces (R times), then prints its own peak RSS
// (getrusage(RUSAGE_SELF).ru_maxrss) and timings, so that the runner's
// memory (tables, other contenders) does not count.
func runProbe(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("vxbench engine", flag.ContinueOnError)
	confdir := fs.String("confdir", "", "benchmark confdir (written by the runner)")
	standin := fs.String("vserver", "", "the stand-in vserver command")
	n := fs.Int("n", 100, "number of namespaces")
	reps := fs.Int("reps", 1, "repetitions")
	profile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *confdir == "" || *n < 1 || *reps < 1 {
		return fmt.Errorf("engine probe: need -confdir, -n >= 1, -reps >= 1")
	}
	if err := checkChildSandbox(); err != nil {
		return err
	}
	eng, err := newEngine(config.Paths{ConfDir: *confdir, NetnsDir: netnsDir, StateDir: stateDir}, *standin, *n)
	if err != nil {
		return err
	}
	if *profile != "" {
		stop, err := startProfile(*profile)
		if err != nil {
			return err
		}
		defer stop()
	}
	return probeRuns(eng, *reps, w)
}

// probeRuns sets up and tears down reps times and prints the results.
func probeRuns(eng *engine, reps int, w io.Writer) error {
	for range reps {
		t0 := time.Now()
		if err := eng.setup(); err != nil {
			return err
		}
		t1 := time.Now()
		if err := eng.teardown(); err != nil {
			return err
		}
		fmt.Fprintf(w, "up_ms %.1f\ndown_ms %.1f\n", ms(t1.Sub(t0)), ms(time.Since(t1)))
	}
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return fmt.Errorf("getrusage: %w", err)
	}
	fmt.Fprintf(w, "maxrss_kb %d\n", ru.Maxrss)
	return nil
}

// startProfile starts a CPU profile into path and returns its stop.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// probeResult is what the probe printed.
type probeResult struct {
	maxRSSKB int64
	up, down []float64 // ms per repetition
}

// parseProbe reads the probe's output.
func parseProbe(out string) (probeResult, error) {
	var r probeResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			return r, fmt.Errorf("engine probe: unexpected line %q", sc.Text())
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return r, fmt.Errorf("engine probe: line %q: %w", sc.Text(), err)
		}
		switch f[0] {
		case "maxrss_kb":
			r.maxRSSKB = int64(v)
		case "up_ms":
			r.up = append(r.up, v)
		case "down_ms":
			r.down = append(r.down, v)
		default:
			return r, fmt.Errorf("engine probe: unexpected line %q", sc.Text())
		}
	}
	if r.maxRSSKB == 0 {
		return r, fmt.Errorf("engine probe printed no maxrss_kb:\n%s", out)
	}
	return r, nil
}

// runRSS starts the probe for the largest variant at the largest N and
// reports its peak RSS (and writes the CPU profile when asked).
func runRSS(o options, w io.Writer) error {
	v, n := o.variants[len(o.variants)-1], o.maxN()
	args := []string{"engine", "-confdir", benchPaths(v).ConfDir, "-n", strconv.Itoa(n),
		"-vserver", filepath.Join(o.repo, "testdata/util-vserver/vserver")}
	if o.cpuProfile != "" {
		args = append(args, "-reps", "5", "-cpuprofile", o.cpuProfile)
	}
	cmd := exec.Command("/proc/self/exe", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("engine probe: %w: %s", err, strings.TrimSpace(errb.String()))
	}
	r, err := parseProbe(out.String())
	if err != nil {
		return err
	}
	mb := float64(r.maxRSSKB) * 1024 / 1e6
	fmt.Fprintf(w, "\nPeak RSS of vserverx's engine, %s at N=%d (a fresh process doing only Env.Up + TeardownIfUnused of all %d): %.1f MB (goal < 30 MB: %s)\n",
		v, n, n, mb, verdict(mb*1e6 < goalRSSBytes))
	if o.cpuProfile != "" {
		fmt.Fprintf(w, "CPU profile of 5 such runs: %s (go tool pprof %s)\n", o.cpuProfile, o.cpuProfile)
	}
	return checkClean(netnsDir)
}
