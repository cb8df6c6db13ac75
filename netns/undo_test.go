// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"strings"
	"testing"
)

func TestUndoStack(t *testing.T) {
	var order []int
	var s undoStack
	boom := errors.New("boom")
	s.push(func() error { order = append(order, 1); return nil })
	s.push(func() error { order = append(order, 2); return boom })
	s.push(func() error { order = append(order, 3); return nil })
	err := s.rollback(errors.New("cause"))
	if len(order) != 3 || order[0] != 3 || order[2] != 1 {
		t.Errorf("undo order %v, want 3 2 1", order)
	}
	if !strings.Contains(err.Error(), "cause") || !errors.Is(err, boom) || !strings.Contains(err.Error(), "rollback failed") {
		t.Errorf("rollback error %q should carry the cause and the failed undo", err)
	}
	var empty undoStack
	if u := empty.undo(); u() != nil {
		t.Error("empty undo failed")
	}
}

// TestChain: the undos run newest first, all of them even when one fails,
// and every error is returned.
func TestChain(t *testing.T) {
	var order []int
	boom1, boom2 := errors.New("boom1"), errors.New("boom2")
	u := Chain(
		func() error { order = append(order, 1); return boom1 },
		NoUndo,
		func() error { order = append(order, 3); return boom2 },
	)
	err := u()
	if len(order) != 2 || order[0] != 3 || order[1] != 1 {
		t.Errorf("undo order %v, want 3 1", order)
	}
	if !errors.Is(err, boom1) || !errors.Is(err, boom2) {
		t.Errorf("Chain's error %v should carry both failures", err)
	}
	if err := Chain()(); err != nil {
		t.Errorf("empty Chain failed: %v", err)
	}
}
