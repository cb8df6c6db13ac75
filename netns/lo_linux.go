// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"net"
)

// SetLoUp sets the loopback device of n UP. The Undo sets it down again
// when this call set it up (NoUndo when lo was UP already).
//
// Equivalent to: ip -n NAME link set lo up.
func SetLoUp(n *NS) (Undo, error) {
	changed, err := setLo(n, true)
	if err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: set lo up: %w", n.Name, err)
	}
	if !changed {
		return NoUndo, nil
	}
	return func() error {
		if _, err := setLo(n, false); err != nil {
			return fmt.Errorf("network namespace %s: set lo down again: %w", n.Name, err)
		}
		return nil
	}, nil
}

// setLo sets lo of n up or down and reports whether it changed.
func setLo(n *NS, up bool) (bool, error) {
	h, err := n.NewHandle()
	if err != nil {
		return false, err
	}
	defer h.Close()
	lo, err := h.LinkByName("lo")
	if err != nil {
		return false, err
	}
	if (lo.Attrs().Flags&net.FlagUp != 0) == up {
		return false, nil
	}
	if up {
		return true, h.LinkSetUp(lo)
	}
	return true, h.LinkSetDown(lo)
}
