// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"slices"
	"time"
)

// contender is one way of setting up and tearing down N namespaces.
type contender struct {
	name            string // a, b, c-ip, c-go
	setup, teardown func() error
	capture         bool // record its end state after setup (first repetition)
}

// timing is one repetition of one contender.
type timing struct{ up, down time.Duration }

func (t timing) total() time.Duration { return t.up + t.down }

// measurement is what one row of the table measured.
type measurement struct {
	times  map[string][]timing // by contender name
	states map[string]endState // end states after setup, of the capturing contenders
}

// rotation returns the order of the contenders in repetition rep: each
// repetition starts one further along, so that none always runs first or
// right after another.
func rotation[T any](cs []T, rep int) []T {
	out := make([]T, 0, len(cs))
	for i := range cs {
		out = append(out, cs[(rep+i)%len(cs)])
	}
	return out
}

// measureRow runs every contender reps times, interleaved (rotation). After
// each teardown it checks that the sandbox is clean and lets the kernel's
// asynchronous namespace cleanup settle (settle, untimed).
func measureRow(cs []contender, reps int, netnsDir string, settle time.Duration) (*measurement, error) {
	m := &measurement{times: map[string][]timing{}, states: map[string]endState{}}
	for rep := range reps {
		for _, c := range rotation(cs, rep) {
			t, err := measureOnce(c, rep == 0 && c.capture, netnsDir, m)
			if err != nil {
				return nil, fmt.Errorf("contender %s, repetition %d: %w", c.name, rep+1, err)
			}
			m.times[c.name] = append(m.times[c.name], t)
			if err := checkClean(netnsDir); err != nil {
				return nil, fmt.Errorf("after contender %s's teardown: %w", c.name, err)
			}
			time.Sleep(settle)
		}
	}
	return m, nil
}

// measureOnce times one setup and one teardown, recording the end state in
// between when asked to (untimed).
func measureOnce(c contender, capture bool, netnsDir string, m *measurement) (timing, error) {
	var t timing
	t0 := time.Now()
	if err := c.setup(); err != nil {
		return t, err
	}
	t.up = time.Since(t0)
	if capture {
		s, err := settledState(netnsDir, 5*time.Second)
		if err != nil {
			return t, err
		}
		m.states[c.name] = s
	}
	t0 = time.Now()
	if err := c.teardown(); err != nil {
		return t, err
	}
	t.down = time.Since(t0)
	return t, nil
}

// median returns the median of ds (the mean of the middle two for an even
// count), 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medians returns the medians of the setup, teardown and total times.
func medians(ts []timing) (up, down, total time.Duration) {
	var u, d, tot []time.Duration
	for _, t := range ts {
		u, d, tot = append(u, t.up), append(d, t.down), append(tot, t.total())
	}
	return median(u), median(d), median(tot)
}
