package netns

import (
	"fmt"
	"net"

	"github.com/vserverx/vserverx/config"
)

// SetLoUp sets the loopback device of n UP.
//
// Equivalent to: ip -n NAME link set lo up.
func SetLoUp(n *NS) error {
	_, err := setLoUp(n)
	return err
}

// setLoUp is SetLoUp returning the undo (set lo down again when this call
// set it up).
func setLoUp(n *NS) (Undo, error) {
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

// Converge brings n to definition def: lo UP, every interface ensured
// (EnsureInterface) in order, then sysctl/ applied. The Undo rolls back all
// of it; on error Converge has already rolled back itself.
func Converge(n *NS, def *config.Namespace) (Undo, error) {
	var steps undoStack
	u, err := setLoUp(n)
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
