// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// TestCheck: every boot problem is found, with the file and the words
// start-all uses, and nothing is reported for a sound configuration.
func TestCheck(t *testing.T) {
	old := newGuest("old", "", "")
	old.Disabled = true
	off := newGuest("off", "default", "ghost") // disabled: never booted, not judged
	off.Disabled = true
	guests := []*config.Guest{
		old, off,
		newGuest("db", "default", ""),
		newGuest("web", "default", "db ghost"),
		newGuest("a", "default", "b"),
		newGuest("b", "", "a"),
		newGuest("self", "default", "self"),
		newGuest("legacy", "default", "old"),
	}
	ps := Check(guests, []string{"default", "nosuch"})
	want := []struct {
		sev  config.Severity
		text string
	}{
		{config.SeverityError, `/etc/vservers/web/apps/init/depends: unknown guest "ghost" (no directory /etc/vservers/ghost); start-all skips web`},
		{config.SeverityError, "/etc/vservers/a/apps/init/depends: dependency cycle a -> b -> a (see /etc/vservers/a/apps/init/depends, /etc/vservers/b/apps/init/depends); start-all skips a, b, stop-all stops them in no particular order among themselves"},
		{config.SeverityError, "/etc/vservers/self/apps/init/depends: dependency cycle self -> self (see /etc/vservers/self/apps/init/depends)"},
		{config.SeverityError, "/etc/vservers/legacy/apps/init/depends: needs old, which is not started: disabled (/etc/vservers/old/disabled exists); start-all skips legacy"},
		{config.SeverityWarning, "warning: --mark nosuch selects no guest"},
	}
	if len(ps) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for _, w := range want {
		found := false
		for _, p := range ps {
			if p.Severity == w.sev && strings.HasPrefix(p.Error(), w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %q in:\n%v", w.text, ps)
		}
	}
	if ps := Check(guests[2:3], []string{"default"}); len(ps) != 0 {
		t.Errorf("a sound configuration has problems: %v", ps)
	}
	if ps := Check(guests, []string{"a,!b"}); len(ps.Errors()) == 0 || !strings.Contains(ps.Error(), "mixes plain and inverted") {
		t.Errorf("a malformed --mark is not an error: %v", ps)
	}
}
