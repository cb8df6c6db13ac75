// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
	"github.com/vserverx/vserverx/wrapper"
)

// The adoption tests start from a guest configured the old way, run
// adopt --dry-run, adopt, adopt again, check, start and stop, and restore
// the backup by hand as the man page says.

// treeDigest describes every entry under dir: path, type and mode, and the
// content's hash or the link's target. A guest's run entry (NAME/run, the
// symlink util-vserver makes to the guest's run file on its first start)
// is util-vserver's runtime state, not configuration: it is left out.
func treeDigest(t *testing.T, dir string) map[string]string {
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
		if isRunEntry(rel, fi) {
			return nil
		}
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

// isRunEntry reports whether rel (relative to the confdir) is a guest's
// run entry.
func isRunEntry(rel string, fi fs.FileInfo) bool {
	guest, name := filepath.Split(rel)
	return name == wrapper.RunEntry && fi.Mode()&fs.ModeSymlink != 0 && !strings.Contains(strings.TrimSuffix(guest, "/"), "/")
}

// assertSameTree fails the test with the differences between two digests.
func assertSameTree(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range before {
		if after[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: was %q, now %q", k, v, after[k]))
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: new (%s)", k, v))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("%s: the confdir changed:\n%s", what, strings.Join(diffs, "\n"))
	}
}

// backupDirOf returns the one backup directory of guest.
func (h *host) backupDirOf(guest string) string {
	h.t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(h.confdir, guest, ".vserverx-adopt", "*"))
	if len(dirs) != 1 {
		h.t.Fatalf("want one backup directory of %s, have %v", guest, dirs)
	}
	return dirs[0]
}

// restoreByHand restores the confdir from guest's backup with the shell
// commands the man page gives.
func (h *host) restoreByHand(guest string) {
	h.t.Helper()
	b, _ := filepath.Rel(h.confdir, h.backupDirOf(guest))
	script := `set -e
cd "$1"
B=$2
while IFS= read -r p; do               # what adopt created, leaves first
  if [ -d "$p" ] && [ ! -L "$p" ]; then rmdir "$p" || true; else rm -f "$p"; fi
done < "$B/CREATED"
cp -a "$B/." . && rm CREATED UNDO      # what it changed or moved
rm -r "$B"; rmdir "$3/.vserverx-adopt" 2>/dev/null || true
`
	if out, err := exec.Command("bash", "-c", script, "restore", h.confdir, b, guest).CombinedOutput(); err != nil {
		h.t.Fatalf("restoring by hand: %v\n%s", err, out)
	}
}

// adoptCase is one guest configured the old way.
type adoptCase struct {
	guest string
	files map[string]string // relative to the confdir
	args  []string          // extra adopt arguments
	ns    string            // the namespace it ends up in
	dev   string            // the device inside it
	addr  string            // the address on it
	found string            // what adopt must say it found
}

func (c adoptCase) setUp(t *testing.T) *host {
	h := newHost(t)
	h.write(c.guest+"/context", "42\n")
	h.write(c.guest+"/fstab", "")
	if err := os.MkdirAll(filepath.Join(h.confdir, c.guest, "vdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for rel, content := range c.files {
		h.write(rel, content)
	}
	return h
}

var adoptCases = []adoptCase{
	{
		guest: "web",
		files: map[string]string{
			"web/netns/interfaces/0/type": "macvlan\n",
			"web/netns/interfaces/0/host": "eth0\n",
			"web/interfaces/0/ip":         "192.0.2.5\n",
			"web/interfaces/0/prefix":     "24\n",
			"web/interfaces/0/dev":        "geth0\n",
		},
		ns: "web", dev: "geth0", addr: "192.0.2.5/24", found: "util-vserver's netns/",
	},
	{
		guest: "fw",
		files: map[string]string{
			"fw/scripts/pre-start": `#!/bin/sh
ip netns add fw
ip link add link eth0 name fw-lan type macvlan mode bridge
ip link set fw-lan netns fw
ip -n fw addr add 192.0.2.2/24 dev fw-lan
ip -n fw link set fw-lan up
`,
			"fw/scripts/post-stop": "ip netns del fw\n",
		},
		ns: "fw", dev: "fw-lan", addr: "192.0.2.2/24", found: "hand-written network scriptlets",
	},
	{
		guest: "mail",
		files: map[string]string{
			"mail/interfaces/0/ip":     "192.0.2.7\n",
			"mail/interfaces/0/prefix": "24\n",
			"mail/interfaces/0/dev":    "eth0\n",
			"mail/interfaces/1/ip":     "192.0.2.8\n",
			"mail/interfaces/1/dev":    "eth0\n",
		},
		args: []string{"--namespace", "zone"},
		ns:   "zone", dev: "eth0", addr: "192.0.2.7/24", found: "classic interfaces/ on host devices",
	},
}

// TestAdoptEachSource: for each source, dry run (nothing changes), adopt,
// adopt again (nothing to do), check (clean), start (the address is inside
// X, not on the host), stop (the host as before), restore by hand (the
// confdir as before, byte for byte).
func TestAdoptEachSource(t *testing.T) {
	for _, c := range adoptCases {
		t.Run(c.guest, func(t *testing.T) {
			h := c.setUp(t)
			original := treeDigest(t, h.confdir)
			if r := h.vx(c.guest, "check"); r.code != 0 || !strings.Contains(r.stdout, c.guest+" adopt --dry-run") {
				t.Errorf("check of the unadopted guest should hint at adopt: %s", r)
			}

			dry := h.mustVX(append([]string{c.guest, "adopt", "--dry-run"}, c.args...)...)
			if !strings.Contains(dry.stdout, "found: "+c.found) || !strings.Contains(dry.stdout, "would create") {
				t.Errorf("dry run does not say what it found and would do: %s", dry)
			}
			assertSameTree(t, "adopt --dry-run", original, treeDigest(t, h.confdir))

			r := h.mustVX(append([]string{c.guest, "adopt"}, c.args...)...)
			if !strings.Contains(r.stdout, "adopted into namespace "+c.ns) {
				t.Errorf("adopt: %s", r)
			}
			if r := h.mustVX(c.guest, "adopt"); !strings.Contains(r.stdout, "nothing to adopt") {
				t.Errorf("second adopt: %s", r)
			}
			if r := h.vx(c.guest, "check"); r.code != 0 || strings.Contains(r.stdout, "adopt") {
				t.Errorf("check after adopt: %s", r)
			}

			before := nstest.Snapshot(t)
			h.mustVX(c.guest, "start")
			if got, want := h.guestNetns(c.guest), h.netnsID(c.ns); got != want {
				t.Errorf("guest runs in %q, namespace %s is %q", got, c.ns, want)
			}
			if out := nstest.IP(t, "-n", c.ns, "-o", "addr", "show", "dev", c.dev); !strings.Contains(out, c.addr) {
				t.Errorf("%s in %s lacks %s:\n%s", c.dev, c.ns, c.addr, out)
			}
			if out := nstest.IP(t, "-o", "addr"); strings.Contains(out, strings.Split(c.addr, "/")[0]) {
				t.Errorf("the host has the guest's address %s:\n%s", c.addr, out)
			}
			h.mustVX(c.guest, "stop")
			nstest.AssertSame(t, before)

			r = h.mustVX(c.guest, "adopt", "--undo")
			if !strings.Contains(r.stdout, "adoption ") || !strings.Contains(r.stdout, " undone") {
				t.Errorf("adopt --undo: %s", r)
			}
			assertSameTree(t, "adopt --undo", original, treeDigest(t, h.confdir))

			h.mustVX(append([]string{c.guest, "adopt"}, c.args...)...)
			h.restoreByHand(c.guest)
			assertSameTree(t, "restoring the backup by hand", original, treeDigest(t, h.confdir))
		})
	}
}

// TestAdoptRefusesRunningGuest: a running guest is not adopted, and
// nothing changes.
func TestAdoptRefusesRunningGuest(t *testing.T) {
	c := adoptCases[2]
	h := c.setUp(t)
	original := treeDigest(t, h.confdir)
	if r := h.vserver("mail", "start"); r.code != 0 {
		t.Fatalf("plain vserver mail start: %s", r)
	}
	for _, args := range [][]string{{"mail", "adopt", "--dry-run"}, {"mail", "adopt"}} {
		r := h.vx(args...)
		if r.code != 1 || !strings.Contains(r.stderr, "guest mail is running; stop it first") {
			t.Errorf("%v of a running guest: want exit 1 saying it runs: %s", args, r)
		}
	}
	assertSameTree(t, "adopting a running guest", original, treeDigest(t, h.confdir))
	h.vserver("mail", "stop")
}

// TestAdoptRefusesUnknownScriptletCommand: a scriptlet with a command adopt
// does not understand is refused with its file and line; nothing changes.
func TestAdoptRefusesUnknownScriptletCommand(t *testing.T) {
	c := adoptCase{guest: "fw", files: map[string]string{
		"fw/scripts/pre-start": "ip netns add fw\nfrobnicate eth0\n",
	}}
	h := c.setUp(t)
	original := treeDigest(t, h.confdir)
	for _, args := range [][]string{{"fw", "adopt", "--dry-run"}, {"fw", "adopt"}} {
		r := h.vx(args...)
		want := filepath.Join(h.confdir, "fw/scripts/pre-start") + ":2: cannot adopt"
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: want exit 1 with %q: %s", args, want, r)
		}
	}
	assertSameTree(t, "adopting an unknown command", original, treeDigest(t, h.confdir))
}

// TestAdoptFailureHalfWayRestores: when writing the namespace definition
// fails (a read-only .netns) after the old netns/ was moved aside, adopt
// puts everything back and removes its backup.
func TestAdoptFailureHalfWayRestores(t *testing.T) {
	h := adoptCases[0].setUp(t)
	netnsDir := filepath.Join(h.confdir, ".netns")
	if err := os.Mkdir(netnsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	original := treeDigest(t, h.confdir)
	for _, args := range [][]string{{"--bind", netnsDir, netnsDir}, {"-o", "remount,bind,ro", netnsDir}} {
		if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
			t.Fatalf("mount %v: %v: %s", args, err, out)
		}
	}
	t.Cleanup(func() { _ = exec.Command("umount", netnsDir).Run() })

	r := h.vx("web", "adopt")
	if r.code != 1 || !strings.Contains(r.stderr, "read-only file system") || !strings.Contains(r.stderr, "everything adopt had changed is restored") {
		t.Fatalf("want exit 1 naming the failure and the restore: %s", r)
	}
	if !strings.Contains(r.stdout, "move aside") {
		t.Errorf("the failure should come after the move aside: %s", r)
	}
	assertSameTree(t, "a failed adopt", original, treeDigest(t, h.confdir))
}

// TestAdoptUndoRefusesChangedFiles: adopt --undo names a file changed
// since the adoption, exits 1 and changes nothing; a usage error is exit 2.
func TestAdoptUndoRefusesChangedFiles(t *testing.T) {
	c := adoptCases[0]
	h := c.setUp(t)
	h.mustVX(append([]string{c.guest, "adopt"}, c.args...)...)
	changed := filepath.Join(h.confdir, c.guest, "spaces", "net")
	if err := os.WriteFile(changed, []byte("other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeDigest(t, h.confdir)
	r := h.vx(c.guest, "adopt", "--undo")
	if r.code != 1 || !strings.Contains(r.stderr, changed+": its content differs from what adopt wrote") {
		t.Errorf("want exit 1 naming %s: %s", changed, r)
	}
	assertSameTree(t, "a refused adopt --undo", before, treeDigest(t, h.confdir))
	if r := h.vx(c.guest, "adopt", "--undo", "a", "b"); r.code != 2 {
		t.Errorf("two timestamps: want exit 2: %s", r)
	}
	if r := h.vx(c.guest, "adopt", "--id", "70000"); r.code != 2 || !strings.Contains(r.stderr, "--id 70000: the namespace id is 0–65535") {
		t.Errorf("--id out of range: want exit 2: %s", r)
	}
}
