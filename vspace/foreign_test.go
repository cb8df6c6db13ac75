// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
			[]lineReason{{2, "ip netns add"}, {4, "ip netns del"}}},
		{"link moved in", "set -e\nip link add link eth0 name fw0 type vlan id 2\nip link set fw0 netns fw\n",
			[]lineReason{{3, "ip link ... netns: puts a link into another namespace"}}},
		{"link created in, continued line", "ip link add fw0 \\\n   type veth peer name fw1 \\\n   netns fw\n",
			[]lineReason{{1, "ip link ... netns: puts a link into another namespace"}}},
		{"VSPACE_SHARED_CMD rewrites", "VSPACE_SHARED_CMD=()\necho \"${VSPACE_SHARED_CMD[@]}\"\nVSPACE_SHARED_CMD+=( x )\n" +
			"  VSPACE_SHARED_CMD[0]=y\nunset VSPACE_SHARED_CMD\n",
			[]lineReason{{1, "rewrites VSPACE_SHARED_CMD"}, {3, "rewrites VSPACE_SHARED_CMD"}, {4, "rewrites VSPACE_SHARED_CMD"}, {5, "rewrites VSPACE_SHARED_CMD"}}},
		{"comments ignored", "# ip netns add fw\n  # VSPACE_SHARED_CMD=()\necho hi # ip link set x netns y\necho \"a#b\" ${#VSPACE_SHARED_CMD[@]}\n", nil},
		{"not managing", "ip netns exec fw ip addr\nip -n fw link set eth0 up\nip netns list\nip link show\nnetns=fw\necho ip netns add\n", nil},
		{"in a condition and after prefixes", "if true; then sudo ip netns add fw; fi\ntest -e /run/netns/fw || \"$_IP\" netns a fw\nexec ip l set x netns fw\n",
			[]lineReason{{1, "ip netns add"}, {2, "ip netns a"}, {3, "ip link ... netns: puts a link into another namespace"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []lineReason
			for _, f := range ScanScriptlet("s", []byte(tc.text)) {
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
