// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMakeInstall: the top-level `make install DESTDIR=...` installs the
// binary, the man page, the unit, the init script, its defaults and the
// completion, with the right modes.
func TestMakeInstall(t *testing.T) {
	requireTool(t, "make")
	dest := t.TempDir()
	cmd := exec.Command("make", "-C", filepath.Join("..", "..", ".."), "install", "DESTDIR="+dest)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	want := map[string]os.FileMode{
		"usr/sbin/vserverx":                              0o755,
		"usr/share/man/man8/vserverx.8":                  0o644,
		"lib/systemd/system/vserverx.service":            0o644,
		"etc/init.d/vserverx":                            0o755,
		"etc/default/vserverx":                           0o644,
		"usr/share/bash-completion/completions/vserverx": 0o644,
		"etc/iproute2/rt_protos.d/vserverx.conf":         0o644,
	}
	for rel, mode := range want {
		st, err := os.Stat(filepath.Join(dest, rel))
		if err != nil {
			t.Errorf("make install did not install %s: %v", rel, err)
			continue
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", rel, st.Mode().Perm(), mode)
		}
	}
	out, err := exec.Command(filepath.Join(dest, "usr/sbin/vserverx"), "--version").CombinedOutput()
	if err != nil {
		t.Errorf("installed vserverx --version: %v %s", err, out)
	}
}
