// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package boot

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
)

func loadTree(t *testing.T, files map[string]string) *config.Tree {
	t.Helper()
	tree, err := config.Load(config.Paths{ConfDir: configtest.Confdir(t, files)})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestFromConfdir runs the engine on a confdir read by config.Load:
// marks and depends files with comments, blank lines and several marks,
// disabled and vdir-less guests, a dot-directory, and the group of a
// shared spaces/net.
func TestFromConfdir(t *testing.T) {
	tree := loadTree(t, map[string]string{
		"db/vdir/":                 "",
		"db/apps/init/mark":        "# boot early\ndefault\n\nbackend\n",
		"app/vdir/":                "",
		"app/apps/init/mark":       "default\n",
		"app/apps/init/depends":    "db\n# and nothing else\n",
		"app/spaces/net":           "zone\n",
		"web/vdir/":                "",
		"web/apps/init/mark":       "default\nfrontend\n",
		"web/apps/init/depends":    "app\n",
		"web/spaces/net":           "zone\n",
		"old/vdir/":                "",
		"old/apps/init/mark":       "default\n",
		"old/disabled":             "",
		"novdir/apps/init/mark":    "default\n",
		"test/vdir/":               "",
		"test/apps/init/mark":      "test\n",
		".defaults/apps/init/mark": "default\n",
	})
	rec := &recorder{}
	var out bytes.Buffer
	code, err := Run(context.Background(), tree, Options{Marks: []string{"default"}, Jobs: 4, Out: &out}, rec.act)
	if err != nil || code != ExitAll {
		t.Fatalf("code %d, err %v; output:\n%s", code, err, out.String())
	}
	if got := rec.begun(); !slices.Equal(got, []string{"db", "app", "web"}) {
		t.Errorf("started %v, want [db app web]", got)
	}
	for _, want := range []string{"old    ignored: disabled", "novdir ignored: no vdir", "start-all: 3 of 3 started"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	rec = &recorder{}
	out.Reset()
	if _, err := Run(context.Background(), tree, Options{Marks: []string{"!default"}, Stop: true, Out: &out}, rec.act); err != nil {
		t.Fatal(err)
	}
	if got := rec.begun(); !slices.Equal(got, []string{"test"}) {
		t.Errorf("stop !default stopped %v, want [test]", got)
	}
}

func TestFromConfdirBrokenDepends(t *testing.T) {
	tree := loadTree(t, map[string]string{
		"a/vdir/":             "",
		"a/apps/init/mark":    "default\n",
		"a/apps/init/depends": "b\nghost\n",
		"b/vdir/":             "",
		"b/apps/init/depends": "a\n",
		"c/vdir/":             "",
		"c/apps/init/mark":    "default\n",
	})
	rec := &recorder{}
	var out bytes.Buffer
	code, err := Run(context.Background(), tree, Options{Marks: []string{"default"}, Out: &out}, rec.act)
	want := filepath.Join(tree.Paths.ConfDir, "a/apps/init/depends") + `: unknown guest "ghost"`
	if err != nil || code != ExitSome || !strings.Contains(out.String(), "a skipped: "+want) {
		t.Errorf("code %d, err %v; want %d and a skipped with %q; output:\n%s", code, err, ExitSome, want, out.String())
	}
	if got := rec.begun(); !slices.Equal(got, []string{"c"}) {
		t.Errorf("started %v, want [c]", got)
	}
	// stop-all ignores the unknown guest and stops the cycle too.
	rec = &recorder{}
	out.Reset()
	code, err = Run(context.Background(), tree, Options{Marks: []string{"default"}, Stop: true, Out: &out}, rec.act)
	if err != nil || code != ExitAll || len(rec.begun()) != 2 {
		t.Errorf("stop: code %d, err %v, stopped %v; want both; output:\n%s", code, err, rec.begun(), out.String())
	}
}

func TestStatusFromConfdir(t *testing.T) {
	tree := loadTree(t, map[string]string{
		"a/vdir/":          "",
		"a/apps/init/mark": "default\n",
		"b/vdir/":          "",
	})
	var out bytes.Buffer
	probe := func(_ context.Context, g *config.Guest) (bool, error) { return g.Name == "b", nil }
	code, err := Status(context.Background(), tree, Options{Marks: []string{"default"}, Out: &out}, probe)
	if err != nil || code != StatusStopped || out.String() != "a stopped\n" {
		t.Errorf("code %d, err %v, output %q; want 3, \"a stopped\\n\"", code, err, out.String())
	}
}
