// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vserverx/vserverx/config"
)

// newGuest makes an enabled guest with a vdir; marks and depends are
// space-separated lists.
func newGuest(name, marks, depends string) *config.Guest {
	return &config.Guest{
		Name:    name,
		Dir:     "/etc/vservers/" + name,
		HasVdir: true,
		Marks:   strings.Fields(marks),
		Depends: strings.Fields(depends),
	}
}

// recorder is a Action that records when each guest's action
// begins and ends and fails the guests named in fail.
type recorder struct {
	mu     sync.Mutex
	events []string // "begin NAME" / "end NAME"
	fail   map[string]error
}

func (r *recorder) act(_ context.Context, g *config.Guest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "begin "+g.Name)
	r.events = append(r.events, "end "+g.Name)
	return r.fail[g.Name]
}

// begun returns the names whose action began, in order.
func (r *recorder) begun() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var names []string
	for _, e := range r.events {
		if n, ok := strings.CutPrefix(e, "begin "); ok {
			names = append(names, n)
		}
	}
	return names
}

// assertAfter fails unless later began after first ended.
func (r *recorder) assertAfter(t *testing.T, first, later string) {
	t.Helper()
	end := slices.Index(r.events, "end "+first)
	begin := slices.Index(r.events, "begin "+later)
	if end < 0 || begin < 0 || begin < end {
		t.Errorf("%s must begin after %s ended; events: %v", later, first, r.events)
	}
}

func runOn(t *testing.T, guests []*config.Guest, opt Options, act Action) (int, string, error) {
	t.Helper()
	var out bytes.Buffer
	opt.Out = &out
	code, err := runGuests(context.Background(), guests, opt, act)
	return code, out.String(), err
}

func markTree() []*config.Guest {
	e := newGuest("e", "default", "")
	e.Disabled = true
	f := newGuest("f", "default", "")
	f.HasVdir = false
	return []*config.Guest{
		newGuest("a", "default", ""),
		newGuest("b", "default other", ""),
		newGuest("c", "other", ""),
		newGuest("d", "", ""),
		e, f,
	}
}

func TestMarkSelection(t *testing.T) {
	cases := []struct {
		marks []string
		all   bool
		want  []string
	}{
		{marks: []string{"default"}, want: []string{"a", "b"}},
		{marks: []string{"!default"}, want: []string{"c", "d"}},
		{marks: []string{"~default"}, want: []string{"c", "d"}},
		{marks: []string{"other,default"}, want: []string{"a", "b", "c"}},
		{marks: []string{"!default,~other"}, want: []string{"d"}},
		{marks: []string{"default", "other"}, want: []string{"b"}},
		{marks: []string{"default", "!other"}, want: []string{"a"}},
		{marks: []string{"nosuchmark"}, want: nil},
		{all: true, want: []string{"a", "b", "c", "d"}},
		{all: true, marks: []string{"other"}, want: []string{"b", "c"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v/all=%v", c.marks, c.all), func(t *testing.T) {
			rec := &recorder{}
			code, out, err := runOn(t, markTree(), Options{Marks: c.marks, All: c.all, Jobs: 1}, rec.act)
			if err != nil || code != ExitAll {
				t.Fatalf("code %d, err %v; output:\n%s", code, err, out)
			}
			if got := rec.begun(); !slices.Equal(got, c.want) {
				t.Errorf("started %v, want %v; output:\n%s", got, c.want, out)
			}
		})
	}
}

func TestIgnoresDisabledAndNoVdir(t *testing.T) {
	rec := &recorder{}
	code, out, err := runOn(t, markTree(), Options{Marks: []string{"default"}, Jobs: 1}, rec.act)
	if err != nil || code != ExitAll {
		t.Fatalf("code %d, err %v", code, err)
	}
	for _, want := range []string{
		"e ignored: disabled (/etc/vservers/e/disabled exists)",
		"f ignored: no vdir (/etc/vservers/f/vdir is missing)",
		"start-all: 2 of 2 started",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBadOptions(t *testing.T) {
	cases := []struct {
		marks []string
		want  string
	}{
		{nil, "start-all needs --mark MARK or --all"},
		{[]string{"a,!b"}, `--mark "a,!b" mixes plain and inverted marks`},
		{[]string{""}, `--mark "": empty mark name`},
		{[]string{"!"}, `--mark "!": empty mark name`},
		{[]string{"a,,b"}, `--mark "a,,b": empty mark name`},
	}
	for _, c := range cases {
		rec := &recorder{}
		code, out, err := runOn(t, markTree(), Options{Marks: c.marks}, rec.act)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("marks %q: error %v, want one containing %q", c.marks, err, c.want)
		}
		if code != ExitNone || len(rec.events) > 0 || out != "" {
			t.Errorf("marks %q: code %d, actions %v, output %q; want 1, nothing done, nothing printed", c.marks, code, rec.events, out)
		}
	}
}

func TestDependsOrder(t *testing.T) {
	// web -> app -> db; app -> cache; dns alone; cache and db have no deps.
	guests := []*config.Guest{
		newGuest("web", "default", "app"),
		newGuest("app", "default", "db cache"),
		newGuest("db", "default", ""),
		newGuest("cache", "default", ""),
		newGuest("dns", "default", ""),
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 4}, rec.act)
	if err != nil || code != ExitAll {
		t.Fatalf("code %d, err %v; output:\n%s", code, err, out)
	}
	rec.assertAfter(t, "db", "app")
	rec.assertAfter(t, "cache", "app")
	rec.assertAfter(t, "app", "web")
	if len(rec.begun()) != 5 {
		t.Errorf("started %v, want all five", rec.begun())
	}

	// One at a time the order is fully determined: ready guests by name.
	rec = &recorder{}
	if _, _, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 1}, rec.act); err != nil {
		t.Fatal(err)
	}
	want := []string{"cache", "db", "app", "dns", "web"}
	if got := rec.begun(); !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestStartsUnselectedDependency(t *testing.T) {
	guests := []*config.Guest{
		newGuest("web", "default", "db"),
		newGuest("db", "", ""),
		newGuest("other", "", ""),
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 2}, rec.act)
	if err != nil || code != ExitAll {
		t.Fatalf("code %d, err %v; output:\n%s", code, err, out)
	}
	if got := rec.begun(); !slices.Equal(got, []string{"db", "web"}) {
		t.Errorf("started %v, want [db web]", got)
	}
}

func TestDisabledDependencyBlocks(t *testing.T) {
	old := newGuest("old", "", "")
	old.Disabled = true
	guests := []*config.Guest{
		old,
		newGuest("web", "default", "old"),
		newGuest("front", "default", "web"),
		newGuest("dns", "default", ""),
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 2}, rec.act)
	if err != nil {
		t.Fatal(err)
	}
	if code != ExitSome {
		t.Errorf("code %d, want %d", code, ExitSome)
	}
	if got := rec.begun(); !slices.Equal(got, []string{"dns"}) {
		t.Errorf("started %v, want only dns", got)
	}
	for _, want := range []string{
		"web   skipped: needs old, which is not started: disabled (/etc/vservers/old/disabled exists)",
		"front skipped: needs web, which was skipped",
		"start-all: 1 of 3 started, 2 skipped (front, web)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestUnknownDependency(t *testing.T) {
	guests := []*config.Guest{
		newGuest("web", "default", "dbx"),
		newGuest("front", "default", "web"),
		newGuest("dns", "default", ""),
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}}, rec.act)
	want := `/etc/vservers/web/apps/init/depends: unknown guest "dbx" (no directory /etc/vservers/dbx)`
	if err != nil || code != ExitSome {
		t.Fatalf("code %d, err %v, want %d and no error; output:\n%s", code, err, ExitSome, out)
	}
	if got := rec.begun(); !slices.Equal(got, []string{"dns"}) {
		t.Errorf("started %v, want only dns", got)
	}
	for _, line := range []string{
		"web   skipped: " + want,
		"front skipped: needs web, which was skipped",
		"start-all: 1 of 3 started, 2 skipped (front, web)",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}

	// stop-all warns and still stops everything.
	rec = &recorder{}
	code, out, err = runOn(t, guests, Options{Marks: []string{"default"}, Stop: true}, rec.act)
	if err != nil || code != ExitAll {
		t.Fatalf("stop: code %d, err %v", code, err)
	}
	if !strings.Contains(out, "warning: "+want+"; ignored") || len(rec.begun()) != 3 {
		t.Errorf("stop: want a warning and all stopped; stopped %v, output:\n%s", rec.begun(), out)
	}
	rec.assertAfter(t, "front", "web")
}

func TestCycle(t *testing.T) {
	cases := []struct {
		name    string
		guests  []*config.Guest
		skipped map[string]string // guest -> reason start-all gives
		warn    string            // stop-all's warning
	}{
		{"three", []*config.Guest{
			newGuest("x", "default", ""),
			newGuest("a", "default", "b"),
			newGuest("b", "default", "c"),
			newGuest("c", "", "a"),
		}, map[string]string{
			"a": "dependency cycle a -> b -> c -> a (see /etc/vservers/a/apps/init/depends, /etc/vservers/b/apps/init/depends, /etc/vservers/c/apps/init/depends)",
			"b": "dependency cycle b -> c -> a -> b (see /etc/vservers/b/apps/init/depends, /etc/vservers/c/apps/init/depends, /etc/vservers/a/apps/init/depends)",
		}, "dependency cycle a -> b -> c -> a (see /etc/vservers/a/apps/init/depends, /etc/vservers/b/apps/init/depends, /etc/vservers/c/apps/init/depends); stopped in no particular order among themselves: a, b"},
		{"self", []*config.Guest{newGuest("a", "default", "a"), newGuest("x", "default", "")},
			map[string]string{"a": "dependency cycle a -> a (see /etc/vservers/a/apps/init/depends)"},
			"dependency cycle a -> a (see /etc/vservers/a/apps/init/depends); stopped in no particular order among themselves: a"},
	}
	for _, c := range cases {
		rec := &recorder{}
		code, out, err := runOn(t, c.guests, Options{Marks: []string{"default"}}, rec.act)
		if err != nil || code != ExitSome || !slices.Equal(rec.begun(), []string{"x"}) {
			t.Errorf("%s start: code %d, err %v, started %v; want %d, x only; output:\n%s", c.name, code, err, rec.begun(), ExitSome, out)
		}
		for g, why := range c.skipped {
			if !strings.Contains(out, g+" skipped: "+why+"\n") {
				t.Errorf("%s start: output lacks %q:\n%s", c.name, g+" skipped: "+why, out)
			}
		}
		rec = &recorder{}
		code, out, err = runOn(t, c.guests, Options{Marks: []string{"default"}, Stop: true}, rec.act)
		if err != nil || code != ExitAll || len(rec.begun()) != len(c.skipped)+1 {
			t.Errorf("%s stop: code %d, err %v, stopped %v; want 0 and every selected guest stopped", c.name, code, err, rec.begun())
		}
		if !strings.Contains(out, "warning: "+c.warn+"\n") {
			t.Errorf("%s stop: output lacks the warning %q:\n%s", c.name, c.warn, out)
		}
	}
}

// TestStopOrdersAroundCycle: stop-all stops a cycle's guests after the
// guests that depend on them and before the guests they depend on.
func TestStopOrdersAroundCycle(t *testing.T) {
	guests := []*config.Guest{
		newGuest("front", "default", "a"),
		newGuest("a", "default", "b"),
		newGuest("b", "default", "a db"),
		newGuest("db", "default", ""),
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Stop: true, Jobs: 4}, rec.act)
	if err != nil || code != ExitAll || len(rec.begun()) != 4 {
		t.Fatalf("code %d, err %v, stopped %v; output:\n%s", code, err, rec.begun(), out)
	}
	for _, pair := range [][2]string{{"front", "a"}, {"front", "b"}, {"a", "db"}, {"b", "db"}} {
		rec.assertAfter(t, pair[0], pair[1])
	}
}

// TestBrokenGuestsBlockOnlyTheirDependants: ten guests, one with an
// unknown dependency, two on a cycle, one whose start fails; every other
// guest starts, in order, and stop-all stops every one of them.
func TestBrokenGuestsBlockOnlyTheirDependants(t *testing.T) {
	guests := []*config.Guest{
		newGuest("db", "default", ""),
		newGuest("app", "default", "db"),
		newGuest("web", "default", "app"),
		newGuest("typo", "default", "dbb"),
		newGuest("ping", "default", "pong"),
		newGuest("pong", "default", "ping"),
		newGuest("fails", "default", "db"),
		newGuest("after", "default", "fails"),
		newGuest("dns", "default", ""),
		newGuest("mail", "default", "dns"),
	}
	rec := &recorder{fail: map[string]error{"fails": errors.New("vserver fails start: exit 1")}}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 1}, rec.act)
	if err != nil || code != ExitSome {
		t.Fatalf("code %d, err %v; want %d; output:\n%s", code, err, ExitSome, out)
	}
	want := []string{"db", "app", "dns", "fails", "mail", "web"}
	if got := rec.begun(); !slices.Equal(got, want) {
		t.Errorf("started %v, want %v", got, want)
	}
	for _, line := range []string{
		`typo  skipped: /etc/vservers/typo/apps/init/depends: unknown guest "dbb" (no directory /etc/vservers/dbb)`,
		"ping  skipped: dependency cycle ping -> pong -> ping",
		"pong  skipped: dependency cycle pong -> ping -> pong",
		"fails FAILED",
		"after skipped: needs fails, which failed",
		"start-all: 5 of 10 started, 1 failed (fails), 4 skipped (after, ping, pong, typo)",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}

	rec = &recorder{}
	code, out, err = runOn(t, guests, Options{Marks: []string{"default"}, Stop: true, Jobs: 1}, rec.act)
	if err != nil || code != ExitAll || len(rec.begun()) != 10 {
		t.Fatalf("stop: code %d, err %v, stopped %v; want all ten; output:\n%s", code, err, rec.begun(), out)
	}
	rec.assertAfter(t, "web", "app")
	rec.assertAfter(t, "app", "db")
	rec.assertAfter(t, "after", "fails")
}

func TestFailureSkipsDependants(t *testing.T) {
	guests := []*config.Guest{
		newGuest("db", "default", ""),
		newGuest("app", "default", "db"),
		newGuest("web", "default", "app"),
		newGuest("dns", "default", ""),
	}
	rec := &recorder{fail: map[string]error{"db": errors.New("vserver db start: exit status 1")}}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 1}, rec.act)
	if err != nil {
		t.Fatal(err)
	}
	if code != ExitSome {
		t.Errorf("code %d, want %d", code, ExitSome)
	}
	if got := rec.begun(); !slices.Equal(got, []string{"db", "dns"}) {
		t.Errorf("started %v, want [db dns]", got)
	}
	for _, want := range []string{
		"db  FAILED 0.0s: vserver db start: exit status 1\n",
		"app skipped: needs db, which failed\n",
		"web skipped: needs app, which was skipped\n",
		"dns started ",
		"start-all: 1 of 4 started, 1 failed (db), 2 skipped (app, web)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestExitCodes(t *testing.T) {
	boom := errors.New("boom")
	guests := []*config.Guest{newGuest("a", "m", ""), newGuest("b", "m", "")}
	cases := []struct {
		name string
		fail map[string]error
		want int
		sum  string
	}{
		{"all", nil, ExitAll, "start-all: 2 of 2 started\n"},
		{"none", map[string]error{"a": boom, "b": boom}, ExitNone, "start-all: 0 of 2 started, 2 failed (a, b)\n"},
		{"some", map[string]error{"b": boom}, ExitSome, "start-all: 1 of 2 started, 1 failed (b)\n"},
		{"unchanged", map[string]error{"a": fmt.Errorf("a: %w", ErrUnchanged)}, ExitAll, "start-all: 1 of 2 started, 1 already running\n"},
	}
	for _, c := range cases {
		rec := &recorder{fail: c.fail}
		code, out, err := runOn(t, guests, Options{Marks: []string{"m"}}, rec.act)
		if err != nil || code != c.want || !strings.HasSuffix(out, c.sum) {
			t.Errorf("%s: code %d, err %v, want %d ending in %q; output:\n%s", c.name, code, err, c.want, c.sum, out)
		}
	}
	code, out, err := runOn(t, guests, Options{Marks: []string{"nomark"}}, (&recorder{}).act)
	if err != nil || code != ExitAll || !strings.Contains(out, "start-all: no guest selected\n") {
		t.Errorf("empty selection: code %d, err %v; output:\n%s", code, err, out)
	}
}

func TestStopReverseOrder(t *testing.T) {
	guests := []*config.Guest{
		newGuest("web", "default", "app"),
		newGuest("app", "default", "db"),
		newGuest("db", "default", ""),
		// a depends on b only through u, which is not selected.
		newGuest("a", "default", "u"),
		newGuest("u", "", "b"),
		newGuest("b", "default", ""),
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Stop: true, Jobs: 4}, rec.act)
	if err != nil || code != ExitAll {
		t.Fatalf("code %d, err %v; output:\n%s", code, err, out)
	}
	rec.assertAfter(t, "web", "app")
	rec.assertAfter(t, "app", "db")
	rec.assertAfter(t, "a", "b")
	if slices.Contains(rec.begun(), "u") {
		t.Errorf("u is not selected but was stopped: %v", rec.begun())
	}
	if !strings.HasSuffix(out, "stop-all: 5 of 5 stopped\n") {
		t.Errorf("summary wrong:\n%s", out)
	}

	// A dependant that fails to stop keeps its dependencies running.
	rec = &recorder{fail: map[string]error{"web": errors.New("busy")}}
	code, out, _ = runOn(t, guests[:3], Options{Marks: []string{"default"}, Stop: true}, rec.act)
	if code != ExitNone || !strings.Contains(out, "app skipped: needs web, which failed") {
		t.Errorf("code %d, want %d; output:\n%s", code, ExitNone, out)
	}
}

func TestDryRun(t *testing.T) {
	old := newGuest("old", "default", "")
	old.Disabled = true
	web := newGuest("web", "default", "app")
	dns := newGuest("dns", "default", "")
	for _, g := range []*config.Guest{web, dns} {
		g.HasSpacesNet, g.SpacesNet = true, "dmz"
	}
	guests := []*config.Guest{
		web,
		newGuest("app", "default", "db cache"),
		newGuest("db", "", ""),
		newGuest("cache", "default", ""),
		dns,
		newGuest("legacy", "default", "old"),
		old,
	}
	rec := &recorder{}
	code, out, err := runOn(t, guests, Options{Marks: []string{"default"}, Jobs: 3, DryRun: true}, rec.act)
	if err != nil || code != ExitSome {
		t.Fatalf("code %d, err %v; want %d: legacy would be skipped", code, err, ExitSome)
	}
	want := `start-all --dry-run: 6 guests, at most 3 at a time
wave 1: cache, db (needed by app), dns
wave 2: app
wave 3: web
one at a time, namespace dmz: dns, web
skip: legacy (needs old, which is not started: disabled (/etc/vservers/old/disabled exists))
ignore: old (disabled (/etc/vservers/old/disabled exists))
`
	if out != want {
		t.Errorf("dry-run output:\n%s\nwant:\n%s", out, want)
	}
	if len(rec.events) > 0 {
		t.Errorf("dry run acted: %v", rec.events)
	}

	code, out, _ = runOn(t, guests[:5], Options{Marks: []string{"default"}, Jobs: 2, DryRun: true, Stop: true}, rec.act)
	if code != ExitAll {
		t.Errorf("stop dry-run: code %d, want %d", code, ExitAll)
	}
	want = `stop-all --dry-run: 4 guests, at most 2 at a time
wave 1: dns, web
wave 2: app
wave 3: cache
one at a time, namespace dmz: dns, web
`
	if out != want {
		t.Errorf("stop dry-run output:\n%s\nwant:\n%s", out, want)
	}

	_, out, _ = runOn(t, guests[3:4], Options{All: true, Jobs: 2, DryRun: true}, rec.act)
	want = `start-all --dry-run: 1 guest, at most 2 at a time
wave 1: cache
`
	if out != want {
		t.Errorf("stop dry-run output:\n%s\nwant:\n%s", out, want)
	}
}

// gate is a Action that blocks every guest until released and
// records which are in flight.
type gate struct {
	mu       sync.Mutex
	release  map[string]chan struct{}
	inFlight map[string]bool
	most     int
}

func newGate(names ...string) *gate {
	g := &gate{release: map[string]chan struct{}{}, inFlight: map[string]bool{}}
	for _, n := range names {
		g.release[n] = make(chan struct{})
	}
	return g
}

func (g *gate) act(ctx context.Context, guest *config.Guest) error {
	g.mu.Lock()
	g.inFlight[guest.Name] = true
	g.most = max(g.most, len(g.inFlight))
	ch := g.release[guest.Name]
	g.mu.Unlock()
	<-ch
	g.mu.Lock()
	delete(g.inFlight, guest.Name)
	g.mu.Unlock()
	return nil
}

// running returns the guests in flight, sorted.
func (g *gate) running() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var names []string
	for n := range g.inFlight {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// mostInFlight is the largest number of guests that were in flight at once.
func (g *gate) mostInFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.most
}

// step releases name (if any), waits until every goroutine of the bubble
// is blocked, and checks what is in flight.
func (g *gate) step(t *testing.T, name string, want ...string) {
	t.Helper()
	if name != "" {
		close(g.release[name])
	}
	synctest.Wait()
	if got := g.running(); !slices.Equal(got, want) {
		t.Fatalf("after releasing %q in flight: %v, want %v", name, got, want)
	}
}

func TestParallelBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		names := []string{"a", "b", "c", "d", "e"}
		var guests []*config.Guest
		for _, n := range names {
			guests = append(guests, newGuest(n, "m", ""))
		}
		gate := newGate(names...)
		done := make(chan int)
		go func() {
			code, _ := runGuests(t.Context(), guests, Options{Marks: []string{"m"}, Jobs: 3}, gate.act)
			done <- code
		}()
		gate.step(t, "", "a", "b", "c")
		gate.step(t, "b", "a", "c", "d")
		gate.step(t, "a", "c", "d", "e")
		gate.step(t, "c", "d", "e")
		gate.step(t, "d", "e")
		gate.step(t, "e")
		if code, most := <-done, gate.mostInFlight(); most != 3 || code != ExitAll {
			t.Errorf("at most %d in flight, code %d; want 3 and 0", most, code)
		}
	})
}

func TestGroupSerialized(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		guests := []*config.Guest{
			newGuest("a", "m", ""), newGuest("b", "m", ""), newGuest("c", "m", ""), newGuest("d", "m", ""),
		}
		for _, g := range guests[:3] {
			g.HasSpacesNet, g.SpacesNet = true, "zone1"
		}
		gate := newGate("a", "b", "c", "d")
		done := make(chan int)
		go func() {
			code, _ := runGuests(t.Context(), guests, Options{Marks: []string{"m"}, Jobs: 4}, gate.act)
			done <- code
		}()
		gate.step(t, "", "a", "d")
		gate.step(t, "a", "b", "d")
		gate.step(t, "d", "b")
		gate.step(t, "b", "c")
		gate.step(t, "c")
		if code, most := <-done, gate.mostInFlight(); code != ExitAll || most != 2 {
			t.Errorf("code %d, at most %d in flight; want 0 and 2", code, most)
		}
	})
}

func TestDependencyWaitsInFlight(t *testing.T) {
	// A guest starts as soon as its own dependencies are done, not when a
	// whole wave is: c (needs a) starts while b (slow, wave 1) still runs.
	synctest.Test(t, func(t *testing.T) {
		guests := []*config.Guest{newGuest("a", "m", ""), newGuest("b", "m", ""), newGuest("c", "m", "a")}
		gate := newGate("a", "b", "c")
		go runGuests(t.Context(), guests, Options{Marks: []string{"m"}, Jobs: 4}, gate.act)
		gate.step(t, "", "a", "b")
		gate.step(t, "a", "b", "c")
		gate.step(t, "b", "c")
		gate.step(t, "c")
	})
}

func TestLinesAndProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		guests := []*config.Guest{newGuest("db", "m", ""), newGuest("web", "m", "db")}
		slow := func(ctx context.Context, g *config.Guest) error {
			time.Sleep(1500 * time.Millisecond) // the bubble's fake clock
			return nil
		}
		var out bytes.Buffer
		code, err := runGuests(t.Context(), guests, Options{Marks: []string{"m"}, Out: &out, Progress: true}, slow)
		if err != nil || code != ExitAll {
			t.Fatalf("code %d, err %v", code, err)
		}
		clear := "\r\x1b[K"
		want := clear + "[0/2] starting db" + clear + "db  started 1.5s\n" +
			clear + "[1/2] starting web" + clear + "web started 1.5s\n" +
			clear + "start-all: 2 of 2 started\n"
		if out.String() != want {
			t.Errorf("output %q\nwant   %q", out.String(), want)
		}
	})
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	guests := []*config.Guest{newGuest("a", "m", ""), newGuest("b", "m", "a"), newGuest("c", "m", "")}
	act := func(ctx context.Context, g *config.Guest) error {
		cancel(errors.New("SIGTERM"))
		return nil
	}
	var out bytes.Buffer
	code, err := runGuests(ctx, guests, Options{Marks: []string{"m"}, Jobs: 1, Out: &out}, act)
	if err != nil || code != ExitSome {
		t.Errorf("code %d, err %v, want %d", code, err, ExitSome)
	}
	for _, want := range []string{"a started", "b skipped: interrupted: SIGTERM", "c skipped: interrupted: SIGTERM"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestStatus(t *testing.T) {
	guests := markTree() // default: a, b (e disabled, f no vdir)
	cases := []struct {
		name  string
		state map[string]any // bool or error
		want  int
		out   string
	}{
		{"one running", map[string]any{"a": false, "b": true}, StatusRunning, "a stopped\nb running\n"},
		{"none running", map[string]any{"a": false, "b": false}, StatusStopped, "a stopped\nb stopped\n"},
		{"unknown", map[string]any{"a": false, "b": errors.New("vserver b running: permission denied")}, StatusUnknown,
			"a stopped\nb unknown: vserver b running: permission denied\n"},
		{"running wins", map[string]any{"a": true, "b": errors.New("x")}, StatusRunning, "a running\nb unknown: x\n"},
	}
	for _, c := range cases {
		probe := func(_ context.Context, g *config.Guest) (bool, error) {
			switch v := c.state[g.Name].(type) {
			case bool:
				return v, nil
			case error:
				return false, v
			}
			t.Errorf("%s: probed unselected guest %s", c.name, g.Name)
			return false, nil
		}
		var out bytes.Buffer
		code, err := statusGuests(context.Background(), guests, Options{Marks: []string{"default"}, Out: &out}, probe)
		if err != nil || code != c.want || out.String() != c.out {
			t.Errorf("%s: code %d, err %v, output %q; want %d, %q", c.name, code, err, out.String(), c.want, c.out)
		}
	}
	code, err := statusGuests(context.Background(), guests, Options{}, nil)
	if !errors.Is(err, ErrConfig) || code != StatusUnknown || !strings.Contains(err.Error(), "status needs --mark MARK or --all") {
		t.Errorf("no marks: code %d, err %v", code, err)
	}
	code, err = statusGuests(context.Background(), guests, Options{Marks: []string{"x,!y"}}, nil)
	if !errors.Is(err, ErrConfig) || code != StatusUnknown {
		t.Errorf("bad mark: code %d, err %v", code, err)
	}
}
