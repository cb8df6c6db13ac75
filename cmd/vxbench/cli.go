// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// sample is one timed command: its wall time and the number of
// util-vserver runs it made (lines the stand-in added to STANDIN_RUNLOG).
type sample struct {
	d    time.Duration
	runs int
}

// noRuns marks a contender that runs no util-vserver at all (the engine,
// the ip scriptlet).
const noRuns = -1

// cliSetting is one confdir with the stand-in util-vserver's vars file, and
// how to run vserverx and plain vserver on it.
type cliSetting struct {
	bin     string   // vserverx
	vserver string   // the vserver command vserverx wraps
	standin string   // the stand-in vserver, run plainly as the baseline
	global  []string // vserverx's global options
	env     []string
	runlog  string // STANDIN_RUNLOG
	conf    string // the confdir
}

// newCLISetting makes dir/util-vserver and dir/vars for the confdir
// dir/conf (written by the caller) and points vserverx at vserver (the
// stand-in, or the no-op vserver).
func newCLISetting(o options, dir, vserver string) (*cliSetting, error) {
	conf, vars := filepath.Join(dir, "conf"), filepath.Join(dir, "vars")
	mkvars := filepath.Join(o.repo, "testdata/util-vserver/mkvars")
	if out, err := exec.Command(mkvars, conf, filepath.Join(dir, "util-vserver"), vars).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", mkvars, err, out)
	}
	runlog := filepath.Join(dir, "runlog")
	return &cliSetting{
		bin:     o.vserverx,
		vserver: vserver,
		standin: filepath.Join(o.repo, "testdata/util-vserver/vserver"),
		global: []string{"--confdir", conf, "--util-vserver-vars", vars, "--vserver", vserver,
			"--netns-dir", netnsDir, "--state-dir", stateDir},
		env:    append(os.Environ(), "VSERVERX_TEST_SANDBOX=1", "UTIL_VSERVER_VARS="+vars, "STANDIN_RUNLOG="+runlog),
		runlog: runlog,
		conf:   conf,
	}, nil
}

// vx is the command line of `vserverx [global options] ARGS...`.
func (s *cliSetting) vx(args ...string) []string {
	return append(append([]string{s.bin}, s.global...), args...)
}

// plain is the command line of the stand-in's `vserver ARGS...`.
func (s *cliSetting) plain(args ...string) []string {
	return append([]string{s.standin}, args...)
}

// run runs argv and fails, quoting its output, unless it exits 0.
func (s *cliSetting) run(argv []string) (string, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = s.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s: %w:\n%s", strings.Join(argv, " "), err, out.String())
	}
	return out.String(), nil
}

// runAll runs each command line in turn (untimed).
func (s *cliSetting) runAll(argvs ...[]string) error {
	for _, argv := range argvs {
		if _, err := s.run(argv); err != nil {
			return err
		}
	}
	return nil
}

// timed runs argv once, timing it and counting its util-vserver runs.
func (s *cliSetting) timed(argv []string) (sample, error) {
	if err := os.WriteFile(s.runlog, nil, 0o644); err != nil {
		return sample{}, err
	}
	t0 := time.Now()
	if _, err := s.run(argv); err != nil {
		return sample{}, err
	}
	d := time.Since(t0)
	runs, err := countRuns(s.runlog)
	return sample{d: d, runs: runs}, err
}

// countRuns counts the util-vserver runs recorded in a STANDIN_RUNLOG file
// (one line each).
func countRuns(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("reading the util-vserver run log: %w", err)
	}
	return bytes.Count(b, []byte("\n")), nil
}

// noopVserverScript is a vserver that does nothing and succeeds at once, so
// that start and stop through it measure vserverx's own cost; each run is
// logged as the stand-in's are.
const noopVserverScript = `#!/bin/sh
# vxbench's no-op vserver: every command succeeds at once.
test -z "$STANDIN_RUNLOG" || printf '%s\tvserver\n' "$$" >>"$STANDIN_RUNLOG"
exit 0
`

// writeNoopVserver writes the no-op vserver to path.
func writeNoopVserver(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(noopVserverScript), 0o755)
}

// contest is one named timed action of a comparison.
type contest struct {
	name string
	do   func() (sample, error)
}

// contestSamples runs every contest reps times, interleaved, in an order
// that rotates every repetition, and returns the samples by name.
func contestSamples(cs []contest, reps int) (map[string][]sample, error) {
	out := map[string][]sample{}
	for rep := range reps {
		for _, c := range rotation(cs, rep) {
			s, err := c.do()
			if err != nil {
				return nil, fmt.Errorf("%s, repetition %d: %w", c.name, rep+1, err)
			}
			out[c.name] = append(out[c.name], s)
		}
	}
	return out, nil
}

// summary is the median time and the most util-vserver runs of samples.
func summary(ss []sample) (time.Duration, int) {
	ds := make([]time.Duration, len(ss))
	runs := noRuns
	for i, s := range ss {
		ds[i] = s.d
		runs = max(runs, s.runs)
	}
	return median(ds), runs
}
