// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package configtest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestConfdir: files, directories and symbolic links end up as described.
func TestConfdir(t *testing.T) {
	dir := Confdir(t, map[string]string{
		"g/context":    "42\n",
		"g/vdir/":      "",
		"g/spaces/net": "->../other",
		".netns/x/id":  "7\n",
	})
	if b, err := os.ReadFile(filepath.Join(dir, "g/context")); err != nil || string(b) != "42\n" {
		t.Errorf("g/context: %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "g/vdir")); err != nil || !fi.IsDir() {
		t.Errorf("g/vdir is no directory: %v", err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "g/spaces/net")); err != nil || target != "../other" {
		t.Errorf("g/spaces/net: link to %q, %v", target, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".netns/x/id")); err != nil || string(b) != "7\n" {
		t.Errorf(".netns/x/id: %q, %v", b, err)
	}
}
