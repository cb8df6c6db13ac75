// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

// lineReasons is (line, reason) of each finding.
type lineReason struct {
	Line   int
	Reason string
}

func TestScanScriptlet(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []lineReason
	}{
		{"netns add and delete", "#!/bin/sh\nip netns add fw\nip link set lo up\n/sbin/ip -all netns del\n",
			[]lineReason{{2, "ip netns add"}, {4, "ip netns delete"}}},
		{"link moved in", "set -e\nip link add link eth0 name fw0 type vlan id 2\nip link set fw0 netns fw\n",
			[]lineReason{{3, "ip link ... netns: puts a link into a namespace"}}},
		{"link created in, continued line", "ip link add fw0 \\\n   type veth peer name fw1 \\\n   netns fw\n",
			[]lineReason{{1, "ip link ... netns: puts a link into a namespace"}}},
		{"VSPACE_SHARED_CMD rewrites", "VSPACE_SHARED_CMD=()\necho \"${VSPACE_SHARED_CMD[@]}\"\nVSPACE_SHARED_CMD+=( x )\n" +
			"  VSPACE_SHARED_CMD[0]=y\nunset VSPACE_SHARED_CMD\n",
			[]lineReason{{1, "rewrites VSPACE_SHARED_CMD"}, {3, "rewrites VSPACE_SHARED_CMD"}, {4, "rewrites VSPACE_SHARED_CMD"}, {5, "rewrites VSPACE_SHARED_CMD"}}},
		{"comments ignored", "# ip netns add fw\n  # VSPACE_SHARED_CMD=()\necho hi # ip link set x netns y\necho \"a#b\" ${#VSPACE_SHARED_CMD[@]}\n", nil},
		{"not managing", "ip netns exec fw ip addr\nip -n fw link set eth0 up\nip netns list\nip link show\nnetns=fw\necho ip netns add\n", nil},
		{"in a condition and after prefixes", "if true; then sudo ip netns add fw; fi\ntest -e /run/netns/fw || \"$_IP\" netns a fw\nexec ip l set x netns fw\n",
			[]lineReason{{1, "ip netns add"}, {2, "ip netns add"}, {3, "ip link ... netns: puts a link into a namespace"}}},
		{"the wiki's form", "case $1 in\n  prepre-start)\n    $_HIP netns add ${2}\n    ;;\nesac\n",
			[]lineReason{{3, "ip netns add"}}},
		{"another phase's branch does not run", "case $1 in\n  post-stop)\n    ip netns delete ${2}\n    ;;\nesac\n", nil},
		{"a variable holding ip, in a function", "IP=/sbin/ip\nup() {\n  $IP link set v0 netns \"$1\"\n}\nup fw\n",
			[]lineReason{{3, "ip link ... netns: puts a link into a namespace"}}},
		{"nft in the namespace", "ip netns exec fw nft -f /etc/fw.nft\nip netns exec fw nft list ruleset\n",
			[]lineReason{{1, "ip netns exec ... nft -f: loads a ruleset in a namespace"}}},
		{"a loop that rewrites VSPACE_SHARED_CMD", "for i in \"${!VSPACE_SHARED_CMD[@]}\"; do\n  :\ndone\n",
			[]lineReason{{1, "rewrites VSPACE_SHARED_CMD"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []lineReason
			found, err := ScanScriptlet("s", "prepre-start", "fw", []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range found {
				got = append(got, lineReason{f.Line, f.Reason})
				if f.File != "s" {
					t.Errorf("file %q", f.File)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestForeignScriptlets(t *testing.T) {
	conf := t.TempDir()
	guest := filepath.Join(conf, "fw")
	write := func(rel, content string, mode os.FileMode) {
		t.Helper()
		p := filepath.Join(conf, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("fw/scripts/prepre-start", "#!/bin/sh\n\nip netns add fw\n", 0o755)
	write("fw/scripts/prepre-start.d/00-vserverx", Marker()+"\nVSPACE_SHARED_CMD=()\n", 0o644)    // vserverx's own
	write("fw/scripts/post-stop.d/10-old.rpmsave", "ip netns del fw\n", 0o644)                    // ignored by util-vserver
	write(".defaults/scripts/postpost-stop.d/cleanup", "# tidy\nip netns delete \"$2\"\n", 0o644) // host-wide
	write("fw/scripts/pre-start.d/20-harmless", "echo starting\n", 0o644)
	found, ps := ForeignScriptlets(guest, conf)
	if len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	var got []string
	for _, f := range found {
		rel, _ := filepath.Rel(conf, f.File)
		got = append(got, rel+":"+f.Text)
	}
	want := []string{"fw/scripts/prepre-start:ip netns add fw", ".defaults/scripts/postpost-stop.d/cleanup:ip netns delete \"$2\""}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	p := found[0].Problem("fw")
	if p.File != filepath.Join(guest, "scripts/prepre-start") || !strings.Contains(p.Msg, "line 3: \"ip netns add fw\" (ip netns add) manages namespace fw twice") {
		t.Errorf("problem: %v", p)
	}
}

// TestForeignScriptletsUnreadable: a scriptlet that cannot be read is a
// problem naming it; the others are still scanned. /proc/self/mem is a
// regular file whose read at offset 0 fails, even for root.
func TestForeignScriptletsUnreadable(t *testing.T) {
	conf := t.TempDir()
	guest := filepath.Join(conf, "fw")
	bad := filepath.Join(guest, "scripts", "pre-start")
	if err := os.MkdirAll(filepath.Join(guest, "scripts", "post-start.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/mem", bad); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(guest, "scripts", "post-start.d", "x"), []byte("ip netns add fw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	found, ps := ForeignScriptlets(guest, conf)
	if len(ps) != 1 || ps[0].File != bad || !strings.Contains(ps[0].Msg, "cannot read it:") {
		t.Errorf("problems: %v", ps)
	}
	if len(found) != 1 || found[0].Line != 1 {
		t.Errorf("the readable scriptlet was not scanned: %v", found)
	}
}

// TestForeignScriptletsWikiForm: the wiki's scriptlet, one executable file
// linked from prepre-start.d and postpost-stop.d that creates the
// namespace as `$_HIP netns add ${2}`, manages the namespace a second time
// in both phases; each phase sees only its own branch.
func TestForeignScriptletsWikiForm(t *testing.T) {
	conf := t.TempDir()
	guest := filepath.Join(conf, "fw")
	script := filepath.Join(conf, "scripts-shared", "netns")
	wiki := "#!/bin/bash\n. /usr/lib/util-vserver/util-vserver-vars\ncase $1 in\n" +
		"    prepre-start) $_HIP netns add ${2} ;;\n    postpost-stop) $_HIP netns del ${2} ;;\nesac\n"
	for _, d := range []string{filepath.Dir(script), filepath.Join(guest, "scripts", "prepre-start.d"), filepath.Join(guest, "scripts", "postpost-stop.d")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(script, []byte(wiki), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, phase := range []string{"prepre-start", "postpost-stop"} {
		if err := os.Symlink(script, filepath.Join(guest, "scripts", phase+".d", "netns")); err != nil {
			t.Fatal(err)
		}
	}
	found, ps := ForeignScriptlets(guest, conf)
	if len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	var got []string
	for _, f := range found {
		rel, _ := filepath.Rel(conf, f.File)
		got = append(got, fmt.Sprintf("%s:%d %s", rel, f.Line, f.Reason))
	}
	want := []string{"fw/scripts/prepre-start.d/netns:4 ip netns add", "fw/scripts/postpost-stop.d/netns:5 ip netns delete"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestForeignScriptletsNotShell: a scriptlet that cannot be read as shell
// is a warning naming it; an executable in another language is not read.
func TestForeignScriptletsNotShell(t *testing.T) {
	conf := t.TempDir()
	guest := filepath.Join(conf, "fw")
	if err := os.MkdirAll(filepath.Join(guest, "scripts", "pre-start.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(guest, "scripts", "pre-start.d", "broken")
	if err := os.WriteFile(broken, []byte("ip netns add 'fw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	py := filepath.Join(guest, "scripts", "pre-start.d", "tool")
	if err := os.WriteFile(py, []byte("#!/usr/bin/python3\nprint('ip netns add fw')\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	found, ps := ForeignScriptlets(guest, conf)
	if len(found) != 0 || len(ps) != 1 || ps[0].File != broken || ps[0].Severity != config.SeverityWarning ||
		!strings.Contains(ps[0].Msg, "cannot be read as a shell script (line 1: unterminated single quote)") {
		t.Errorf("found %v, problems %v", found, ps)
	}
}
