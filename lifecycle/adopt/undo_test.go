// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
)

// digest describes every entry under dir: type, mode and content hash
// (or link target).
func digest(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		desc := fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			desc += " -> " + target
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		out[rel] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// adoptNow prepares and applies the adoption of guest g.
func adoptNow(t *testing.T, dir, g, namespace string) *Plan {
	t.Helper()
	p, err := prepare(t, dir, g, namespace)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// undo prepares the undo of guest g's latest adoption.
func undo(t *testing.T, dir, g, ts string) (*Undo, error) {
	t.Helper()
	tree, err := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	if err != nil {
		t.Fatal(err)
	}
	return PrepareUndo(UndoOptions{Tree: tree, Guest: g, Timestamp: ts})
}

// oldWays are guests configured in each of the three old ways.
var oldWays = map[string]map[string]string{
	"util-vserver's netns/": {"g/context": "9\n", "g/netns/interfaces/0/type": "macvlan\n", "g/netns/interfaces/0/host": "eth0\n",
		"g/scripts/pre-start.d/keep": "echo kept\n"},
	"a scriptlet": {"g/context": "9\n", "g/namespace-cleanup-skip": "/srv\n", "g/scripts/pre-start": "ip link add link eth0 name v2 type vlan id 2\n" +
		"ip link set v2 netns g\nip -n g addr add 192.0.2.2/24 dev v2\n"},
	"classic interfaces/": {"g/context": "9\n", "g/spaces/net": "0\n", "g/interfaces/0/ip": "192.0.2.5\n", "g/interfaces/0/dev": "eth0\n"},
}

// TestUndoRestoresExactly: after adopt and adopt --undo the confdir is
// byte for byte, mode for mode, as before.
func TestUndoRestoresExactly(t *testing.T) {
	for name, files := range oldWays {
		t.Run(name, func(t *testing.T) {
			dir := configtest.Confdir(t, files)
			before := digest(t, dir)
			adoptNow(t, dir, "g", "")
			u, err := undo(t, dir, "g", "")
			if err != nil {
				t.Fatal(err)
			}
			var said []string
			if err := u.Apply(func(s string) { said = append(said, s) }); err != nil {
				t.Fatal(err)
			}
			if after := digest(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("not restored exactly:\nbefore %v\nafter  %v", before, after)
			}
			if len(said) == 0 || !strings.HasPrefix(said[len(said)-1], "remove the backup ") {
				t.Errorf("reported %q", said)
			}
		})
	}
}

// TestUndoRefusesChangedFiles: a file adopt wrote and changed since, and a
// moved-aside file made again, are named; nothing changes.
func TestUndoRefusesChangedFiles(t *testing.T) {
	dir := configtest.Confdir(t, oldWays["util-vserver's netns/"])
	adoptNow(t, dir, "g", "")
	name := filepath.Join(dir, ".netns/g/interfaces/0/name")
	if err := os.WriteFile(name, []byte("lan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "g/netns"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := digest(t, dir)
	_, err := undo(t, dir, "g", "")
	if err == nil || !strings.Contains(err.Error(), name+": its content differs from what adopt wrote") ||
		!strings.Contains(err.Error(), filepath.Join(dir, "g/netns")+": exists again") {
		t.Fatalf("error %v", err)
	}
	if after := digest(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused undo changed the confdir")
	}
}

// TestUndoKeepsAnotherAdoption: undoing the adoption of a, which created
// .netns, keeps the namespace definition the adoption of b wrote there.
func TestUndoKeepsAnotherAdoption(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"a/context": "5\n", "a/netns/interfaces/0/type": "macvlan\n", "a/netns/interfaces/0/host": "eth0\n",
		"b/context": "6\n", "b/netns/interfaces/0/type": "macvlan\n", "b/netns/interfaces/0/host": "eth1\n",
	})
	adoptNow(t, dir, "a", "")
	afterA := digest(t, dir)
	adoptNow(t, dir, "b", "")
	withB := digest(t, dir)
	u, err := undo(t, dir, "a", "")
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	if err := u.Apply(func(s string) { said = append(said, s) }); err != nil {
		t.Fatal(err)
	}
	after := digest(t, dir)
	for rel, d := range withB {
		if strings.HasPrefix(rel, ".netns/b") || strings.HasPrefix(rel, "b/") {
			if after[rel] != d {
				t.Errorf("%s changed by undoing a's adoption", rel)
			}
		}
	}
	for rel := range afterA {
		if strings.HasPrefix(rel, ".netns/a") && after[rel] != "" {
			t.Errorf("%s of a's adoption is still there", rel)
		}
	}
	if !strings.Contains(strings.Join(said, "\n"), "keep "+filepath.Join(dir, ".netns")+": it holds files adopt did not create") {
		t.Errorf("reported %q", said)
	}
	if _, err := os.Stat(filepath.Join(dir, "a/netns/interfaces/0/type")); err != nil {
		t.Errorf("a's netns/ is not back: %v", err)
	}
}

func TestUndoRefusals(t *testing.T) {
	dir := configtest.Confdir(t, oldWays["classic interfaces/"])
	if _, err := undo(t, dir, "g", ""); err == nil || !strings.Contains(err.Error(), "holds no backup of an adoption") {
		t.Errorf("without a backup: %v", err)
	}
	p := adoptNow(t, dir, "g", "")
	if _, err := undo(t, dir, "g", "20000101T000000Z"); err == nil || !strings.Contains(err.Error(), "no backup 20000101T000000Z in") ||
		!strings.Contains(err.Error(), filepath.Base(p.Backup)) {
		t.Errorf("unknown timestamp: %v", err)
	}
	if err := os.Remove(filepath.Join(p.Backup, UndoName)); err != nil {
		t.Fatal(err)
	}
	if _, err := undo(t, dir, "g", filepath.Base(p.Backup)); err == nil || !strings.Contains(err.Error(), "restore by hand") {
		t.Errorf("without UNDO: %v", err)
	}
}

// TestSeveralGuestsJoinOneNamespace: three classic guests adopted one
// after the other into namespace zone share the definition the first
// wrote (its id stays); undoing the first is refused while the others are
// in zone.
func TestSeveralGuestsJoinOneNamespace(t *testing.T) {
	files := map[string]string{}
	for i, g := range []string{"a", "b", "c"} {
		files[g+"/context"] = fmt.Sprintf("%d\n", 5+i)
		files[g+"/interfaces/0/ip"] = fmt.Sprintf("192.0.2.%d\n", 5+i)
		files[g+"/interfaces/0/dev"] = "eth0\n"
	}
	dir := configtest.Confdir(t, files)
	adoptNow(t, dir, "a", "zone")
	for _, g := range []string{"b", "c"} {
		p := adoptNow(t, dir, g, "zone")
		if !strings.Contains(strings.Join(p.Notes, "\n"), "guest "+g+" joins namespace zone, defined already with id 5") {
			t.Errorf("%s: notes %q", g, p.Notes)
		}
	}
	tree, err := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tree.Guest("a")
	grp := tree.GroupOf(a)
	if grp == nil || grp.NS.ID != 5 || len(grp.Members) != 3 || len(grp.NS.Interfaces) != 1 {
		t.Fatalf("group %+v", grp)
	}
	if _, err := undo(t, dir, "a", ""); err == nil || !strings.Contains(err.Error(), "which guest(s) b, c are in too") {
		t.Errorf("undo of the first: %v", err)
	}
	for _, g := range []string{"c", "b", "a"} {
		u, err := undo(t, dir, g, "")
		if err != nil {
			t.Fatalf("undo %s: %v", g, err)
		}
		if err := u.Apply(nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".netns")); err == nil {
		t.Errorf(".netns left after undoing every adoption")
	}
}

// TestJoinRefusedWhenAMACNeedsTheID: a scriptlet guest whose MAC was
// computed (from its context) cannot silently join a namespace of another
// id; the refusal names the MAC and offers --id, which then joins.
func TestJoinRefusedWhenAMACNeedsTheID(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"a/context": "5\n", "a/spaces/net": "0\n", "a/interfaces/0/ip": "192.0.2.5\n", "a/interfaces/0/dev": "eth0\n",
		"b/context": "6\n", "b/scripts/pre-start": "ip link add link eth1 name v2 type vlan id 2\nip link set v2 address $(mkmac 2 6 0)\n" +
			"ip link set v2 netns zone\n",
	})
	adoptNow(t, dir, "a", "zone")
	_, err := prepare(t, dir, "b", "")
	want := "derives the MAC of v2 set at " + filepath.Join(dir, "b/scripts/pre-start") + ":2 from id 6"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "vserverx b adopt --namespace zone --id 5") {
		t.Fatalf("error %v, want %q and the --id offer", err, want)
	}
	tree, _ := config.Load(config.Paths{ConfDir: dir, NetnsDir: "/run/netns"})
	opt := Options{Tree: tree, Guest: "b", Namespace: "zone", ID: 7, HasID: true, Setup: testSetup(dir), HostLink: func(string) bool { return true }}
	if _, err := Prepare(opt); err == nil || !strings.Contains(err.Error(), "--id 7, but namespace zone is defined already with id 5") {
		t.Errorf("another --id: %v", err)
	}
	opt.ID = 5
	if _, err := Prepare(opt); err != nil {
		t.Errorf("--id 5: %v", err)
	}
}

// TestUndoRefusesBadBackup: an UNDO line adopt does not write, a CREATED
// path outside the confdir and a file missing from the backup are
// refused, naming them.
func TestUndoRefusesBadBackup(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"a strange UNDO line", UndoName, "namespace\tg\nremove\teverything\n", `:2: "remove\teverything" is not a line adopt writes`},
		{"CREATED outside the confdir", ManifestName, "../etc/passwd\n", `lists "../etc/passwd", which is not a path inside the confdir`},
		{"a saved file missing", "g/spaces/net", "", "g/spaces/net: missing from the backup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := configtest.Confdir(t, oldWays["classic interfaces/"])
			p := adoptNow(t, dir, "g", "")
			path := filepath.Join(p.Backup, tc.file)
			var err error
			if tc.content == "" {
				err = os.Remove(path)
			} else {
				err = os.WriteFile(path, []byte(tc.content), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			before := digest(t, dir)
			if _, err := undo(t, dir, "g", ""); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if after := digest(t, dir); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused undo changed the confdir")
			}
		})
	}
}

// TestUndoFailureRollsBack: when moving a file back fails half-way (it
// vanished from the backup after the check), what the undo did is taken
// back: the adoption is as it was.
func TestUndoFailureRollsBack(t *testing.T) {
	dir := configtest.Confdir(t, oldWays["util-vserver's netns/"])
	p := adoptNow(t, dir, "g", "")
	u, err := undo(t, dir, "g", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(p.Backup, "g/netns"), filepath.Join(dir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	before := digest(t, dir)
	err = u.Apply(nil)
	if err == nil || !strings.Contains(err.Error(), "the adoption is as it was") {
		t.Fatalf("error %v", err)
	}
	if after := digest(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("not rolled back:\nbefore %v\nafter  %v", before, after)
	}
}

// TestAdoptRefusesHostWideScriptlet: a host-wide scriptlet that would
// still create the namespace after the adoption makes adopt refuse (the
// dry run finds it), naming the file and line.
func TestAdoptRefusesHostWideScriptlet(t *testing.T) {
	files := map[string]string{".defaults/scripts/pre-start": "# for every guest\nip netns add $2\n"}
	for k, v := range oldWays["classic interfaces/"] {
		files[k] = v
	}
	dir := configtest.Confdir(t, files)
	_, err := prepare(t, dir, "g", "")
	want := filepath.Join(dir, ".defaults/scripts/pre-start") + `: line 2: "ip netns add $2" (ip netns add) manages namespace g twice`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
