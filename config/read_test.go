// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"github.com/vserverx/vserverx/config/configtest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func TestParseValueAndList(t *testing.T) {
	for in, want := range map[string]string{
		"42": "42", "42\n": "42", "42\r\n": "42", "  fw \t\nsecond\n": "fw", "": "", "\nx": "",
	} {
		if got := ParseValue([]byte(in)); got != want {
			t.Errorf("ParseValue(%q) = %q, want %q", in, got, want)
		}
	}
	got := ParseList([]byte("# marks\r\ndefault\r\n\n  # indented comment\n  web  \nnot#comment\n"))
	if want := []string{"default", "web", "not#comment"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ParseList = %q, want %q", got, want)
	}
}

// readOne reads path as a value key and returns the value and problems.
func readOne(path string) (string, bool, Problems) {
	var ps Problems
	v, ok := reader{probs: &ps}.value(path)
	return v, ok, ps
}

func TestReadKeyProblems(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, maxKeySize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink("nowhere", dangling); err != nil {
		t.Fatal(err)
	}
	for path, msg := range map[string]string{
		fifo: "is not a regular file", big: "bytes long; a key file holds at most 65536 bytes",
		loop: "cannot be read: too many levels of symbolic links", dir: "is a directory",
	} {
		v, ok, ps := readOne(path)
		if ok || v != "" || len(ps) != 1 || ps[0].File != path || !strings.Contains(ps[0].Msg, msg) {
			t.Errorf("%s: %q %v %v, want a problem with %q", path, v, ok, ps, msg)
		}
	}
	for _, absent := range []string{dangling, filepath.Join(dir, "missing")} {
		if v, ok, ps := readOne(absent); ok || v != "" || len(ps) != 0 {
			t.Errorf("%s: %q %v %v, want absent", absent, v, ok, ps)
		}
	}
}

func TestMoreNamespaceProblems(t *testing.T) {
	ifs := ".netns/n/interfaces/"
	for _, tc := range []struct {
		name  string
		files map[string]string
		file  string
		msg   string
	}{
		{"interface is a file", map[string]string{ifs + "0": "veth"}, ifs + "0", "is not a directory; an interface is a directory"},
		{"sysctl empty component", map[string]string{".netns/n/sysctl/net..x": "1"}, ".netns/n/sysctl/net..x", "empty component"},
		{"sysctl dir is a file", map[string]string{".netns/n/sysctl": "1"}, ".netns/n/sysctl", "is not a directory; expected a directory of sysctl files"},
		{"earlier name is explicit", map[string]string{ifs + "0/type": "veth", ifs + "0/name": "eth1", ifs + "1/type": "veth", ".netns/n/id": "1"},
			ifs + "0/name", `"eth1" is used twice`},
		{"id from invalid context", map[string]string{"n/context": "-1", ifs + "0/type": "veth"},
			".netns/n/id", "the context of guest n"},
		{"gateway syntax", map[string]string{ifs + "0/type": "veth", ".netns/n/id": "1", ifs + "0/gateway": "192.0.2.1/24"},
			ifs + "0/gateway", "is not a gateway address"},
		{"gateway zone", map[string]string{ifs + "0/type": "veth", ".netns/n/id": "1", ifs + "0/gateway": "fe80::1%eth0"},
			ifs + "0/gateway", "is not a gateway address"},
		{"mac with 8 octets", map[string]string{ifs + "0/type": "veth", ifs + "0/mac": "02:00:00:00:00:00:00:01"},
			ifs + "0/mac", "has 8 octets"},
		{"veth mac clashes with own host side", map[string]string{ifs + "0/type": "veth", ifs + "0/mac": "06:00:00:00:00:01"},
			ifs + "0/mac", "the host-side address of"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"g/spaces/net": "n"}
			for k, v := range tc.files {
				files[k] = v
			}
			root := configtest.Confdir(t, files)
			all := loadTree(t, root).CheckAll()
			var mine Problems
			for _, p := range all {
				if p.File == filepath.Join(root, tc.file) && strings.Contains(p.Msg, tc.msg) {
					mine = append(mine, p)
				}
			}
			if len(mine) != 1 {
				t.Errorf("want one problem at %s with %q, got:\n%v", tc.file, tc.msg, all)
			}
		})
	}
}

// TestReadKeyFile: the whole file is read, also when it grew beyond the
// size it had when it was looked at; an open or read failure names the
// file and the operation.
func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "net")
	want := strings.Repeat("x", 3000) + "\n"
	if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{0, 5, 3001, 4096} {
		got, err := readKeyFile(path, size)
		if err != nil || string(got) != want {
			t.Errorf("size hint %d: got %d bytes, %v; want the %d bytes", size, len(got), err, len(want))
		}
	}
	missing := filepath.Join(dir, "missing")
	if _, err := readKeyFile(missing, 0); err == nil || err.Error() != "open "+missing+": no such file or directory" {
		t.Errorf("missing file: got %v", err)
	}
	if _, err := readKeyFile(dir, 0); err == nil || err.Error() != "read "+dir+": is a directory" {
		t.Errorf("directory: got %v", err)
	}
}
