// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
)

// TestScriptletRoutesAdopted: a hand-written scriptlet's route other than
// the default route becomes the routes file of the new definition, which
// the adopted guest's check accepts; a route the routes file refuses (a
// gateway no address reaches) refuses the adoption, naming the line.
func TestScriptletRoutesAdopted(t *testing.T) {
	script := "ip link set eth1 netns g\nip -n g addr add 192.0.2.2/24 dev eth1\nip -n g route add 10.0.0.0/8 via 192.0.2.1 table 100\n"
	dir := configtest.Confdir(t, map[string]string{"g/context": "9\n", "g/scripts/pre-start": script})
	p, err := prepare(t, dir, "g", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ".netns/g/routes"))
	if err != nil || string(b) != "10.0.0.0/8 via 192.0.2.1 table 100\n" {
		t.Errorf("routes file %q, %v", b, err)
	}
	tree, err := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	if err != nil {
		t.Fatal(err)
	}
	if rs := tree.Group("g").NS.Routes; len(rs) != 1 || rs[0].Table != 100 {
		t.Errorf("adopted routes %v", rs)
	}

	bad := strings.Replace(script, "via 192.0.2.1", "via 203.0.113.1", 1)
	dir = configtest.Confdir(t, map[string]string{"g/context": "9\n", "g/scripts/pre-start": bad})
	_, err = prepare(t, dir, "g", "")
	if err == nil || !strings.Contains(err.Error(), dir+"/.netns/g/routes: line 1, word 3 \"203.0.113.1\": no prefix configured") {
		t.Errorf("adoption of an unreachable gateway: %v", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, ".netns")); !os.IsNotExist(serr) {
		t.Errorf("the refused adoption left %s/.netns: %v", dir, serr)
	}
}

// TestScriptletRulesAdopted: a hand-written scriptlet's policy rule
// becomes the rules file of the new definition, which config reads; a
// rule the rules file refuses (an unknown table name) refuses the
// adoption, naming the line, and writes nothing.
func TestScriptletRulesAdopted(t *testing.T) {
	script := "ip link set eth1 netns g\nip -n g addr add 192.0.2.2/24 dev eth1\nip -n g rule add from 192.0.2.0/24 iif eth1 lookup 100 pref 500\n"
	dir := configtest.Confdir(t, map[string]string{"g/context": "9\n", "g/scripts/pre-start": script})
	p, err := prepare(t, dir, "g", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ".netns/g/rules"))
	if err != nil || string(b) != "from 192.0.2.0/24 iif eth1 lookup 100 priority 500\n" {
		t.Errorf("rules file %q, %v", b, err)
	}
	tree, err := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	if err != nil {
		t.Fatal(err)
	}
	if rs := tree.Group("g").NS.Rules; len(rs) != 1 || rs[0].Table != 100 || rs[0].Priority != 500 {
		t.Errorf("adopted rules %+v", rs)
	}

	bad := strings.Replace(script, "lookup 100", "lookup nosuchtable", 1)
	dir = configtest.Confdir(t, map[string]string{"g/context": "9\n", "g/scripts/pre-start": bad})
	_, err = prepare(t, dir, "g", "")
	if err == nil || !strings.Contains(err.Error(), dir+"/.netns/g/rules: line 1") {
		t.Errorf("adoption of an unknown table: %v", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, ".netns")); !os.IsNotExist(serr) {
		t.Errorf("the refused adoption left %s/.netns: %v", dir, serr)
	}
}
