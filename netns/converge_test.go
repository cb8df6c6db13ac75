// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import "github.com/vserverx/vserverx/config"

// Converge brings n to definition def as lifecycle's start plan does, for
// the tests of this package: lo UP, every interface ensured
// (EnsureInterface) in order, then sysctl/ applied. The Undo rolls back all
// of it; on error Converge has already rolled back itself.
func Converge(n *NS, def *config.Namespace) (Undo, error) {
	var steps undoStack
	u, err := SetLoUp(n)
	if err != nil {
		return NoUndo, err
	}
	steps.push(u)
	for i := range def.Interfaces {
		_, u, err := EnsureInterface(n, def, &def.Interfaces[i])
		if err != nil {
			return NoUndo, steps.rollback(err)
		}
		steps.push(u)
	}
	u, err = ApplySysctls(n, def.Sysctls)
	if err != nil {
		return NoUndo, steps.rollback(err)
	}
	steps.push(u)
	return steps.undo(), nil
}
