// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// ApplySysctls writes each sysctl inside n (only net.* keys, which are per
// network namespace). Values already set are left alone. The Undo writes
// back the old values; on error ApplySysctls has restored them itself.
//
// Equivalent to: ip netns exec NAME sysctl -w KEY=VALUE, for each.
func ApplySysctls(n *NS, s []config.Sysctl) (Undo, error) {
	if len(s) == 0 {
		return NoUndo, nil
	}
	var steps undoStack
	err := n.Do(func() error {
		for _, sc := range s {
			u, err := applySysctl(sc)
			if err != nil {
				return errors.Join(err, steps.run())
			}
			steps.push(u)
		}
		return nil
	})
	if err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	if len(steps) == 0 {
		return NoUndo, nil
	}
	return func() error { return n.Do(steps.undo()) }, nil
}

// applySysctl writes one value (on a thread inside the namespace) and
// returns the undo that writes the old one back.
func applySysctl(s config.Sysctl) (Undo, error) {
	if !strings.HasPrefix(s.Key, "net.") || strings.Contains(s.Key, "..") || strings.Contains(s.Key, "/") {
		return NoUndo, fmt.Errorf("sysctl %s (%s): only net.* keys can be set inside a network namespace", s.Key, s.File)
	}
	path := s.Path()
	old, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return NoUndo, fmt.Errorf("sysctl %s (%s): unknown key (no %s in this namespace)", s.Key, s.File, path)
		}
		return NoUndo, fmt.Errorf("sysctl %s (%s): read %s: %w", s.Key, s.File, path, err)
	}
	if sameValue(string(old), s.Value) {
		return NoUndo, nil
	}
	if err := os.WriteFile(path, []byte(s.Value), 0); err != nil {
		return NoUndo, fmt.Errorf("sysctl %s (%s): write %q to %s: %w", s.Key, s.File, s.Value, path, err)
	}
	return func() error {
		if err := os.WriteFile(path, old, 0); err != nil {
			return fmt.Errorf("sysctl %s: restore %q: %w", s.Key, strings.TrimSpace(string(old)), err)
		}
		return nil
	}, nil
}

// sameValue compares sysctl values word by word (the kernel separates
// multi-value entries by tabs and ends them with a newline).
func sameValue(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}
