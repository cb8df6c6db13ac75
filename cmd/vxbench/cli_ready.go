// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/vserverx/vserverx/config"
)

// readyGoalOptimistic is how much slower a start + stop with one IPv6
// address in dad optimistic may be than the same guest IPv4-only.
const readyGoalOptimistic = 50 * time.Millisecond

// readyCase is one row of the ready table: the addresses and the
// interface files (dad, acd) of the guest's one macvlan.
type readyCase struct {
	name  string
	files map[string]string // interface file -> content
}

// readyCases are the ready table's guests; the first is the baseline.
var readyCases = []readyCase{
	{"IPv4 only", map[string]string{"ip": "192.0.2.10/24\n"}},
	{"+ IPv6, dad wait", map[string]string{"ip": "192.0.2.10/24\n2001:db8::10/64\n", "dad": "wait\n"}},
	{"+ IPv6, dad optimistic", map[string]string{"ip": "192.0.2.10/24\n2001:db8::10/64\n", "dad": "optimistic\n"}},
	{"+ IPv6, dad off", map[string]string{"ip": "192.0.2.10/24\n2001:db8::10/64\n", "dad": "off\n"}},
	{"IPv4, acd yes", map[string]string{"ip": "192.0.2.10/24\n", "acd": "yes\n"}},
}

// cliReady: `vserverx G start` + `stop` of a K=1 macvlan guest with one
// IPv6 address in each dad mode and with the IPv4 conflict probe, against
// the same guest IPv4-only: what making the addresses usable before the
// guest starts costs.
func cliReady(o options, w io.Writer) error {
	noop := filepath.Join(cliDir, "noop-vserver")
	if err := writeNoopVserver(noop); err != nil {
		return err
	}
	var cs []contest
	for i, c := range readyCases {
		s, err := newReadySetting(o, fmt.Sprintf("ready-%d", i), noop, c)
		if err != nil {
			return fmt.Errorf("ready, %s: %w", c.name, err)
		}
		cs = append(cs, contest{c.name, readyStartStop(s)})
	}
	all, err := contestSamples(cs, o.cliReps)
	if err != nil {
		return fmt.Errorf("ready: %w", err)
	}
	base := readyCases[0].name
	for _, c := range readyCases[1:] {
		r := newCLIRow("start + stop, K=1 macvlan, "+c.name, "the same guest "+base, 0, all[c.name], all[base])
		printCLIRow(w, r)
		if c.files["dad"] == "optimistic\n" {
			fmt.Fprintf(w, "  dad optimistic: %+.1f ms against IPv4 only (goal <= %.0f ms: %s)\n",
				ms(r.x-r.b), ms(readyGoalOptimistic), verdict(r.x-r.b <= readyGoalOptimistic))
		}
	}
	return nil
}

// readyStartStop is one start + stop of guest ns0 of setting s.
func readyStartStop(s *cliSetting) func() (sample, error) {
	settle := settleTime(1)
	return func() (sample, error) {
		up, down, err := s.startStop(nsName(0))
		time.Sleep(settle)
		return sample{d: up.d + down.d, runs: up.runs + down.runs}, err
	}
}

// newReadySetting is the K=1 macvlan start/stop setting in cliDir/name
// with c's files in the namespace's interface 0.
func newReadySetting(o options, name, noop string, c readyCase) (*cliSetting, error) {
	s, _, err := newStartStopSetting(o, filepath.Join(cliDir, name), variant{1, config.TypeMacvlan}, noop)
	if err != nil {
		return nil, err
	}
	return s, writeFiles(s.conf, c.confFiles())
}

// confFiles are c's files as paths in the confdir of guest ns0.
func (c readyCase) confFiles() map[string]string {
	files := map[string]string{}
	for k, v := range c.files {
		files[filepath.Join(config.NetnsDirName, nsName(0), "interfaces", "0", k)] = v
	}
	return files
}
