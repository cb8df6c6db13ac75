// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// loUp reports whether lo of namespace x is administratively UP, as ip
// shows it.
func loUp(t *testing.T, x string) bool {
	t.Helper()
	out := nstest.IP(t, "-n", x, "-o", "link", "show", "lo")
	return strings.Contains(out, "<LOOPBACK,UP")
}

// TestSetLoUpUndo: SetLoUp sets lo of a new namespace UP and its Undo sets
// it down again; on a namespace whose lo is UP already the Undo leaves it
// UP.
func TestSetLoUpUndo(t *testing.T) {
	nstest.RequireRoot(t)
	freshDir(t)
	ns, err := Create(dir, "lo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close(); _ = DeleteNamespace(dir, "lo") })
	if loUp(t, "lo") {
		t.Fatal("lo of a new namespace is UP already")
	}
	undo, err := SetLoUp(ns)
	if err != nil {
		t.Fatal(err)
	}
	if !loUp(t, "lo") {
		t.Fatal("SetLoUp left lo down")
	}
	again, err := SetLoUp(ns)
	if err != nil {
		t.Fatal(err)
	}
	if err := again(); err != nil || !loUp(t, "lo") {
		t.Fatalf("the Undo of a SetLoUp that changed nothing: %v; lo UP: %v, want UP", err, loUp(t, "lo"))
	}
	if err := undo(); err != nil || loUp(t, "lo") {
		t.Fatalf("the Undo of SetLoUp: %v; lo UP: %v, want down", err, loUp(t, "lo"))
	}
}

// TestSetLoUpClosed: a closed namespace is an error naming it.
func TestSetLoUpClosed(t *testing.T) {
	_, err := SetLoUp(&NS{Name: "gone", fd: -1})
	mustContain(t, "SetLoUp on a closed namespace", errString(err), "network namespace gone", "set lo up", "not open")
}
