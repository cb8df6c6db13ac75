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
