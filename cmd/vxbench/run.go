// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vserverx/vserverx/config"
)

// options are the runner's flags.
type options struct {
	repo       string
	reps       int
	repsLarge  int
	ns         []int
	variants   []variant
	vserverx   string
	guests     int
	groups     int
	jobs       []int
	noStartAll bool
	cliReps    int
	planGuests []int
	groupSizes []int
	listGuests int
	noCLI      bool
	cliOnly    bool
	// rulesetOnly: only the command-line table's ruleset row (implies
	// cliOnly).
	rulesetOnly bool
	// readyOnly: only the command-line table's rows of start + stop with
	// IPv6 in each dad mode and with acd (implies cliOnly).
	readyOnly bool
	// startStopOnly: only the command-line table's start and stop rows
	// (implies cliOnly).
	startStopOnly bool
	cpuProfile    string
	verbose       bool
}

// Where the runner works inside the sandbox (all on its tmpfs /run).
const (
	workDir  = "/run/vxbench"
	netnsDir = "/run/netns"
	stateDir = "/run/vserverx"
)

// allVariants are the namespace kinds of the table.
var allVariants = []variant{{1, config.TypeMacvlan}, {1, config.TypeVeth}, {4, config.TypeMacvlan}, {4, config.TypeVeth}}

// parseFlags reads the runner's command line.
func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("vxbench", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.repo, "repo", ".", "the vserverx source tree (for testdata/bench and the stand-in vserver)")
	fs.IntVar(&o.reps, "reps", 5, "repetitions per row")
	fs.IntVar(&o.repsLarge, "reps-large", 2, "repetitions of the rows with N >= 100 (the scriptlet is slow)")
	nList := fs.String("n", "1,10,100", "numbers of namespaces, comma-separated")
	vList := fs.String("variants", "1macvlan,1veth,4macvlan,4veth", "variants KTYPE, comma-separated")
	fs.StringVar(&o.vserverx, "vserverx", "bin/vserverx", "the vserverx binary for start-all (a relative path is relative to -repo)")
	fs.IntVar(&o.guests, "guests", 200, "start-all: number of guests")
	fs.IntVar(&o.groups, "groups", 20, "start-all: number of groups (namespaces) they share")
	jList := fs.String("j", "1,4,16", "start-all: -j values, comma-separated; the first must be 1 (it measures the total work)")
	fs.BoolVar(&o.noStartAll, "no-start-all", false, "skip the start-all part")
	fs.IntVar(&o.cliReps, "cli-reps", 20, "command-line table: repetitions per row (plan rows: 4 times as many); the member stops vary by 10-20% from one to the next, fewer make their ratio unreliable")
	planList := fs.String("plan-guests", "10,100,1000", "command-line table: numbers of guests in the confdir for plan, ascending; the first is the baseline")
	sizeList := fs.String("group-sizes", "2,12,30", "command-line table: sizes of the running group for the member stop, ascending; the last is also the concurrent stop")
	fs.IntVar(&o.listGuests, "list-guests", 50, "command-line table: number of guests for list")
	fs.BoolVar(&o.noCLI, "no-cli", false, "skip the command-line table")
	fs.BoolVar(&o.cliOnly, "cli-only", false, "only the command-line table (no engine table, RSS probe, start-all)")
	fs.BoolVar(&o.rulesetOnly, "ruleset-only", false, "only the command-line table's row of start + stop with a 50-rule nftables ruleset")
	fs.BoolVar(&o.readyOnly, "ready-only", false, "only the command-line table's rows of start + stop with one IPv6 address in each dad mode and with acd, against IPv4 only")
	fs.BoolVar(&o.startStopOnly, "startstop-only", false, "only the command-line table's start, stop and start + stop rows")
	fs.BoolVar(&o.verbose, "v", false, "start-all: print the output of every start-all and stop-all run")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the engine at N=100, K=4 veth to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var err error
	if o.ns, err = parseInts(*nList, "-n"); err != nil {
		return o, err
	}
	if o.jobs, err = parseInts(*jList, "-j"); err != nil {
		return o, err
	}
	if o.jobs[0] != 1 {
		return o, fmt.Errorf("-j %s: the first value must be 1 (it measures the total work)", *jList)
	}
	if o.variants, err = parseVariants(*vList); err != nil {
		return o, err
	}
	if err := o.parseCLIFlags(*planList, *sizeList); err != nil {
		return o, err
	}
	if o.rulesetOnly || o.startStopOnly || o.readyOnly {
		if o.noCLI {
			return o, fmt.Errorf("-no-cli and -ruleset-only, -ready-only or -startstop-only leave nothing to measure")
		}
		o.cliOnly = true
	}
	if o.reps < 1 || o.repsLarge < 1 {
		return o, fmt.Errorf("-reps %d, -reps-large %d: want at least 1", o.reps, o.repsLarge)
	}
	if o.guests < 1 || o.groups < 1 || o.groups > o.guests {
		return o, fmt.Errorf("-guests %d, -groups %d: want 1 <= groups <= guests", o.guests, o.groups)
	}
	return o, nil
}

// parseCLIFlags reads and checks the command-line table's flags.
func (o *options) parseCLIFlags(planList, sizeList string) error {
	var err error
	if o.planGuests, err = parseAscending(planList, "-plan-guests", 1); err != nil {
		return err
	}
	if o.groupSizes, err = parseAscending(sizeList, "-group-sizes", 2); err != nil {
		return err
	}
	switch {
	case len(o.planGuests) < 2:
		return fmt.Errorf("-plan-guests %s: want at least two numbers (the first is the baseline)", planList)
	case o.cliReps < 1:
		return fmt.Errorf("-cli-reps %d: want at least 1", o.cliReps)
	case o.listGuests < 1:
		return fmt.Errorf("-list-guests %d: want at least 1", o.listGuests)
	case o.noCLI && o.cliOnly:
		return fmt.Errorf("-no-cli and -cli-only leave nothing to measure")
	}
	return nil
}

// parseAscending parses a comma-separated, strictly ascending list of
// integers of at least least.
func parseAscending(s, flagName string, least int) ([]int, error) {
	ns, err := parseInts(s, flagName)
	if err != nil {
		return nil, err
	}
	for i, n := range ns {
		if n < least || (i > 0 && n <= ns[i-1]) {
			return nil, fmt.Errorf("%s %s: want ascending numbers of at least %d", flagName, s, least)
		}
	}
	return ns, nil
}

// maxN is the largest number of namespaces of the table (-n).
func (o options) maxN() int { return slices.Max(o.ns) }

// parseInts parses a comma-separated list of positive integers.
func parseInts(s, flagName string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s %s: %q is not a positive integer", flagName, s, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseVariants parses "1macvlan,4veth".
func parseVariants(s string) ([]variant, error) {
	var out []variant
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		i := strings.IndexFunc(f, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return nil, fmt.Errorf("-variants %s: %q is not KTYPE (e.g. 4veth)", s, f)
		}
		k, _ := strconv.Atoi(f[:i])
		t := config.LinkType(f[i:])
		if k < 1 || k > 16 || (t != config.TypeMacvlan && t != config.TypeVeth) {
			return nil, fmt.Errorf("-variants %s: %q: K must be 1-16 and TYPE macvlan or veth", s, f)
		}
		out = append(out, variant{k, t})
	}
	return out, nil
}

// run dispatches: `vxbench engine ...` is the probe the runner starts for
// the peak RSS; anything else is the runner.
func run(args []string) error {
	if len(args) > 0 && args[0] == "engine" {
		return runProbe(args[1:], os.Stdout)
	}
	o, err := parseFlags(args, os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.repo, err = filepath.Abs(o.repo); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(o.repo, "testdata/bench/ip-scriptlet.sh")); err != nil {
		return fmt.Errorf("-repo %s is not the vserverx source tree: %w", o.repo, err)
	}
	if err := o.findVserverx(); err != nil {
		return err
	}
	if err := enterSandbox(); err != nil {
		return err
	}
	return runAll(o, os.Stdout)
}

// findVserverx resolves -vserverx against -repo and, unless start-all is
// left out, checks that it is there before the table's minutes of work.
func (o *options) findVserverx() error {
	if !filepath.IsAbs(o.vserverx) {
		o.vserverx = filepath.Join(o.repo, o.vserverx)
	}
	if (o.noStartAll || o.cliOnly) && o.noCLI {
		return nil
	}
	if _, err := os.Stat(o.vserverx); err != nil {
		return fmt.Errorf("-vserverx: the command-line table and start-all need the vserverx binary (make build, or -no-cli -no-start-all): %w", err)
	}
	return nil
}

// runAll runs the command-line table, the engine table, the RSS probe and
// start-all.
func runAll(o options, w io.Writer) error {
	t0 := time.Now()
	defer func() {
		fmt.Fprintf(w, "\nvxbench took %s; load average at the end %s\n", time.Since(t0).Round(time.Second), loadAvg())
	}()
	fmt.Fprintf(w, "vxbench: %d CPUs, %s; load average %s\n\n", runtime.NumCPU(), kernelRelease(), loadAvg())
	if !o.noCLI {
		if err := runCLI(o, w); err != nil {
			return fmt.Errorf("command-line table: %w", err)
		}
	}
	if o.cliOnly {
		return nil
	}
	rows, err := runTable(o, w)
	if err != nil {
		return err
	}
	printGoals(w, rows)
	if err := runRSS(o, w); err != nil {
		return err
	}
	if o.noStartAll {
		return nil
	}
	return runStartAll(o, w)
}

// benchPaths are the paths of the confdir of variant v.
func benchPaths(v variant) config.Paths {
	return config.Paths{
		ConfDir:  filepath.Join(workDir, fmt.Sprintf("conf-%d%s", v.K, v.Type)),
		NetnsDir: netnsDir,
		StateDir: stateDir,
	}
}

// runTable measures every variant at every N and prints the rows as they
// come.
func runTable(o options, w io.Writer) ([]rowResult, error) {
	printHeader(w)
	var rows []rowResult
	for _, v := range o.variants {
		p := benchPaths(v)
		if err := benchConfdir(p.ConfDir, v, o.maxN()); err != nil {
			return nil, err
		}
		for _, n := range o.ns {
			r, err := runRow(o, p, v, n)
			if err != nil {
				return nil, fmt.Errorf("%s, N=%d: %w", v, n, err)
			}
			printRow(w, r)
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// runRow measures one variant at one N, after checking on the first
// repetition that the engine and the scriptlet reach the same end state.
func runRow(o options, p config.Paths, v variant, n int) (rowResult, error) {
	eng, err := newEngine(p, filepath.Join(o.repo, "testdata/util-vserver/vserver"), n)
	if err != nil {
		return rowResult{}, err
	}
	scr, err := newScriptlet(o.repo, eng.env.Tree, n)
	if err != nil {
		return rowResult{}, err
	}
	ipf, gof := newIPFloor(o.repo, n), newGoFloor(netnsDir, n)
	cs := []contender{
		{name: "a", setup: eng.setup, teardown: eng.teardown, capture: true},
		{name: "b", setup: scr.setup, teardown: scr.teardown, capture: true},
		{name: "c-ip", setup: ipf.setup, teardown: ipf.teardown},
		{name: "c-go", setup: gof.setup, teardown: gof.teardown},
	}
	reps := o.reps
	if n >= 100 {
		reps = o.repsLarge
	}
	m, err := measureRow(cs, reps, netnsDir, settleTime(n))
	if err != nil {
		return rowResult{}, err
	}
	if err := compareStates("a (vserverx)", m.states["a"], "b (scriptlet)", m.states["b"]); err != nil {
		return rowResult{}, err
	}
	return newRowResult(v, n, reps, m), nil
}

// settleTime is the untimed pause after each teardown: the kernel frees
// deleted namespaces asynchronously, and that work should not land on the
// next contender.
func settleTime(n int) time.Duration {
	return 50*time.Millisecond + time.Duration(n)*2*time.Millisecond
}

// kernelRelease is uname -r.
func kernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "kernel unknown"
	}
	return "Linux " + strings.TrimSpace(string(b))
}

// loadAvg is the first three fields of /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
