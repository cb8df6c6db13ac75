// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// bootConfdir writes a confdir of guests guests vs000.. in groups groups:
// guest i shares namespace grpG (G = i mod groups, so that guests next to
// each other in name order are in different groups), whose definition has
// id G+1 and one macvlan on eth0.
func bootConfdir(dir string, guests, groups int) ([]string, error) {
	files := map[string]string{}
	var names []string
	for g := range groups {
		x := fmt.Sprintf(".netns/grp%02d/", g)
		files[x+"id"] = strconv.Itoa(g+1) + "\n"
		files[x+"interfaces/0/type"] = "macvlan\n"
		files[x+"interfaces/0/link"] = "eth0\n"
	}
	for i := range guests {
		name := fmt.Sprintf("vs%03d", i)
		names = append(names, name)
		files[name+"/context"] = strconv.Itoa(1000+i) + "\n"
		files[name+"/spaces/net"] = fmt.Sprintf("grp%02d\n", i%groups)
		files[name+"/vdir/.keep"] = ""
	}
	if err := writeFiles(dir, files); err != nil {
		return nil, fmt.Errorf("writing start-all confdir %s: %w", dir, err)
	}
	return names, nil
}

// bootRun is one timed `vserverx start-all` or `stop-all`.
type bootRun struct {
	wall     time.Duration
	perGuest time.Duration // sum of the per-guest times it printed
	cpu      time.Duration // user+system time of it and every process it waited for
	maxRSSKB int64         // the largest peak RSS among them
}

// bootLine matches start-all's and stop-all's per-guest result lines.
var bootLine = regexp.MustCompile(`^(\S+)\s+(started|stopped)\s+([0-9.]+)s$`)

// parseBootOutput sums the per-guest times and checks that every guest
// reported success.
func parseBootOutput(out string, guests int) (time.Duration, error) {
	var sum time.Duration
	n := 0
	for _, l := range strings.Split(out, "\n") {
		m := bootLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		secs, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return 0, fmt.Errorf("line %q: %w", l, err)
		}
		sum += time.Duration(secs * float64(time.Second))
		n++
	}
	if n != guests {
		return 0, fmt.Errorf("%d of %d guests reported success:\n%s", n, guests, out)
	}
	return sum, nil
}

// bootBench is the start-all setting: the binary, its global options and
// environment.
type bootBench struct {
	bin    string
	global []string
	env    []string
	guests int
	log    io.Writer // receives every start-all/stop-all output (-v), or nil
}

// newBootBench writes the confdir and the stand-in's vars file and runs
// `vserverx NAME setup` for every guest.
func newBootBench(o options) (*bootBench, error) {
	dir := filepath.Join(workDir, "startall")
	conf, vars := filepath.Join(dir, "conf"), filepath.Join(dir, "vars")
	names, err := bootConfdir(conf, o.guests, o.groups)
	if err != nil {
		return nil, err
	}
	mkvars := filepath.Join(o.repo, "testdata/util-vserver/mkvars")
	if out, err := exec.Command(mkvars, conf, filepath.Join(dir, "util-vserver"), vars).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", mkvars, err, out)
	}
	b := &bootBench{
		bin:    o.vserverx,
		global: []string{"--confdir", conf, "--util-vserver-vars", vars, "--netns-dir", netnsDir, "--state-dir", stateDir},
		env: append(os.Environ(), "STANDIN_START_DELAY=0.05", "STANDIN_HELPER_LINGER=0",
			"VSERVERX_TEST_SANDBOX=1", "UTIL_VSERVER_VARS="+vars),
		guests: o.guests,
	}
	if o.verbose {
		b.log = os.Stderr
	}
	for _, name := range names {
		if _, _, err := b.run(name, "setup"); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// run runs vserverx with the global options and args and returns its
// output and process state; it fails when vserverx exits non-zero.
func (b *bootBench) run(args ...string) (string, *os.ProcessState, error) {
	cmd := exec.Command(b.bin, append(append([]string{}, b.global...), args...)...)
	cmd.Env = b.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), cmd.ProcessState, fmt.Errorf("%s %s: %w:\n%s", b.bin, strings.Join(args, " "), err, out.String())
	}
	return out.String(), cmd.ProcessState, nil
}

// boot times `vserverx start-all|stop-all --all -j jobs`.
func (b *bootBench) boot(command string, jobs int) (bootRun, error) {
	t0 := time.Now()
	out, st, err := b.run(command, "--all", "-j", strconv.Itoa(jobs))
	if err != nil {
		return bootRun{}, err
	}
	r := bootRun{wall: time.Since(t0)}
	if b.log != nil {
		fmt.Fprintf(b.log, "--- vserverx %s --all -j %d (%.2f s):\n%s", command, jobs, r.wall.Seconds(), out)
	}
	if r.perGuest, err = parseBootOutput(out, b.guests); err != nil {
		return r, fmt.Errorf("%s -j %d: %w", command, jobs, err)
	}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.maxRSSKB = ru.Maxrss
	}
	return r, nil
}

// runStartAll times start-all and stop-all at every -j and prints them
// against the ideal.
func runStartAll(o options, w io.Writer) error {
	b, err := newBootBench(o)
	if err != nil {
		return err
	}
	var starts, stops []bootRun
	for _, j := range o.jobs {
		s, err := b.boot("start-all", j)
		if err != nil {
			return err
		}
		p, err := b.boot("stop-all", j)
		if err != nil {
			return err
		}
		if err := checkClean(netnsDir); err != nil {
			return fmt.Errorf("after stop-all -j %d: %w", j, err)
		}
		starts, stops = append(starts, s), append(stops, p)
	}
	printStartAll(w, o, starts, stops)
	return nil
}

// printStartAll writes the start-all table.
func printStartAll(w io.Writer, o options, starts, stops []bootRun) {
	ncpu := runtime.NumCPU()
	fmt.Fprintf(w, "\nstart-all / stop-all --all: %d guests in %d groups (one macvlan each), stand-in vserver with a 50 ms start delay\n", o.guests, o.groups)
	fmt.Fprintf(w, "total work = sum of the per-guest times printed at -j 1: start %.1f s, stop %.1f s (CPU time of those runs: %.1f s, %.1f s)\n",
		starts[0].perGuest.Seconds(), stops[0].perGuest.Seconds(), starts[0].cpu.Seconds(), stops[0].cpu.Seconds())
	fmt.Fprintf(w, "ideal(-j N) = total / min(N, %d groups); cpu s = CPU time of the run (vserverx and every process it waited for)\n", o.groups)
	fmt.Fprintf(w, "on %d CPUs no schedule beats CPU time / %d: start %.1f s, stop %.1f s (cpu-bound, from the -j 1 runs)\n",
		ncpu, ncpu, starts[0].cpu.Seconds()/float64(ncpu), stops[0].cpu.Seconds()/float64(ncpu))
	fmt.Fprintln(w, "sum = the per-guest times printed in that run (they grow when guests compete for the CPUs)")
	fmt.Fprintf(w, "%4s | %8s %8s %7s %10s %9s | %8s %8s %7s %10s %9s\n",
		"-j", "start s", "sum", "ideal", "wall/ideal", "cpu s", "stop s", "sum", "ideal", "wall/ideal", "cpu s")
	ideal := func(total time.Duration, j int) float64 { return total.Seconds() / float64(min(j, o.groups)) }
	for i, j := range o.jobs {
		si, pi := ideal(starts[0].perGuest, j), ideal(stops[0].perGuest, j)
		fmt.Fprintf(w, "%4d | %8.2f %8.1f %7.2f %10.2f %9.2f | %8.2f %8.1f %7.2f %10.2f %9.2f\n", j,
			starts[i].wall.Seconds(), starts[i].perGuest.Seconds(), si, starts[i].wall.Seconds()/si, starts[i].cpu.Seconds(),
			stops[i].wall.Seconds(), stops[i].perGuest.Seconds(), pi, stops[i].wall.Seconds()/pi, stops[i].cpu.Seconds())
	}
	for i, j := range o.jobs {
		r := starts[i].wall.Seconds() / ideal(starts[0].perGuest, j)
		fmt.Fprintf(w, "  start-all -j %-2d wall/ideal %.2f (goal <= %.1f: %s)\n", j, r, goalIdeal, verdict(r <= goalIdeal))
	}
	var rss int64
	for _, r := range append(starts, stops...) {
		rss = max(rss, r.maxRSSKB)
	}
	fmt.Fprintf(w, "largest peak RSS among vserverx start-all/stop-all and the processes it waited for: %.1f MB\n", float64(rss)*1024/1e6)
}
