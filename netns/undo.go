// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
)

// Undo rolls back exactly one step. It is never nil: a step that changed
// nothing returns NoUndo.
type Undo func() error

// NoUndo is the Undo of a step that changed nothing.
func NoUndo() error { return nil }

// undoStack collects the undos of several steps and runs them in reverse
// order.
type undoStack []Undo

// push records the undo of a step that succeeded.
func (s *undoStack) push(u Undo) {
	if u != nil {
		*s = append(*s, u)
	}
}

// run undoes every recorded step, newest first, and returns every error.
func (s *undoStack) run() error {
	var errs []error
	for i := len(*s) - 1; i >= 0; i-- {
		if err := (*s)[i](); err != nil {
			errs = append(errs, err)
		}
	}
	*s = nil
	return errors.Join(errs...)
}

// undo returns the whole stack as one Undo (NoUndo when empty).
func (s *undoStack) undo() Undo {
	if len(*s) == 0 {
		return NoUndo
	}
	steps := *s
	return func() error { st := steps; return st.run() }
}

// rollback undoes the stack after cause and returns cause, with the
// rollback's own failure attached when there was one.
func (s *undoStack) rollback(cause error) error {
	if err := s.run(); err != nil {
		return errors.Join(cause, fmt.Errorf("rollback failed, the system may be left changed: %w", err))
	}
	return cause
}

// Chain returns one Undo for steps done in the given order: it undoes them
// newest first, runs every one even when one fails, and returns every
// error.
func Chain(done ...Undo) Undo {
	var s undoStack
	for _, u := range done {
		s.push(u)
	}
	return s.undo()
}
