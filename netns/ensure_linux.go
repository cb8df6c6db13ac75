// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
)

// Change says what EnsureInterface did.
type Change int

// The results of EnsureInterface.
const (
	Unchanged Change = iota // the interface was as configured
	Created                 // it was missing and was created
	Repaired                // it existed and something was fixed
)

func (c Change) String() string {
	switch c {
	case Unchanged:
		return "unchanged"
	case Created:
		return "created"
	case Repaired:
		return "repaired"
	}
	return fmt.Sprintf("Change(%d)", int(c))
}

// EnsureInterface makes interface ifc of definition def exist in n as
// configured: created when missing; when present and vserverx's, its MAC,
// MTU, macvlan mode, veth bridge, missing addresses, UP state and default
// routes are repaired, while a wrong type, parent, VLAN id or veth peer is
// reported by name. A link of that name that is not vserverx's is never
// touched: that is an error. On error EnsureInterface has already rolled
// back what it did; the Undo rolls back a successful call.
func EnsureInterface(n *NS, def *config.Namespace, ifc *config.Interface) (Change, Undo, error) {
	e, err := newEngine(n, def)
	if err != nil {
		return Unchanged, NoUndo, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	defer e.close()
	return e.ensure(ifc)
}

// ensure is EnsureInterface on an open engine.
func (e *engine) ensure(ifc *config.Interface) (Change, Undo, error) {
	l, err := e.in.LinkByName(ifc.Name)
	if isNotFound(err) {
		if err := e.clearLeftovers(ifc); err != nil {
			return Unchanged, NoUndo, e.ifcErr(ifc, "remove the leftovers of an earlier run: %w", err)
		}
		u, err := e.create(ifc)
		if err != nil {
			return Unchanged, NoUndo, err
		}
		return Created, u, nil
	}
	if err != nil {
		return Unchanged, NoUndo, e.ifcErr(ifc, "look up %s: %w", ifc.Name, err)
	}
	tag, ok := parseAlias(l.Attrs().Alias)
	if !ok || tag.NS != e.ns.Name || tag.Num != ifc.Num {
		return Unchanged, NoUndo, e.ifcErr(ifc, "%s exists in the namespace but is not vserverx's link %q (its alias is %q); vserverx does not touch it: remove or rename it (%s)",
			ifc.Name, e.def.Alias(ifc.Num), l.Attrs().Alias, ifc.File("name"))
	}
	var steps undoStack
	changed, err := e.repair(ifc, l, tag, &steps)
	if err != nil {
		return Unchanged, NoUndo, steps.rollback(err)
	}
	if !changed {
		return Unchanged, NoUndo, nil
	}
	return Repaired, steps.undo(), nil
}

// clearLeftovers removes vserverx's link N of X where a crash may have left
// it: in X under another name, or on the host (linkPlace.remove); and the
// links in X that an interrupted start left under a temporary name before
// it could mark them (with a veth's host side: clearTempInside).
func (e *engine) clearLeftovers(ifc *config.Interface) error {
	if err := clearTempInside(e.in, e.ns.NewHandle); err != nil {
		return err
	}
	l, err := findOwn(e.in, e.ns.Name, ifc.Num)
	if err != nil {
		return err
	}
	if err := e.inside().removeOne(l); err != nil {
		return err
	}
	if l, err = e.hostLeftover(ifc); err != nil {
		return err
	}
	return e.onHost().removeOne(l)
}

// hostLeftover finds vserverx's link N of X left on the host, or nil. Only
// a phys device (renamed there before it moves in) or a veth's host side
// can be there: vlans, macvlans and a veth's inside end are created inside
// X. A veth's host side is looked up by its name, so that a start does not
// dump every link of a host that carries hundreds of them; Teardown still
// looks at every host link.
func (e *engine) hostLeftover(ifc *config.Interface) (*ownLink, error) {
	switch ifc.Type {
	case config.TypePhys:
		return findOwn(e.host, e.ns.Name, ifc.Num)
	case config.TypeVeth:
		l, err := e.host.LinkByName(e.def.VethHostName(ifc))
		if isNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		tag, ok := parseAlias(l.Attrs().Alias)
		if !ok || tag.NS != e.ns.Name || tag.Num != ifc.Num {
			return nil, nil
		}
		return &ownLink{link: l, tag: tag}, nil
	}
	return nil, nil
}

// repair fixes what can be fixed on vserverx's existing link l and reports
// what cannot.
func (e *engine) repair(ifc *config.Interface, l netlink.Link, tag linkTag, steps *undoStack) (bool, error) {
	if err := e.checkKind(ifc, l, tag); err != nil {
		return false, err
	}
	changed := false
	for _, fix := range []func(*config.Interface, netlink.Link, *undoStack) (bool, error){
		e.fixMode, e.fixMACMTU, e.fixVethHost, e.configure,
	} {
		c, err := fix(ifc, l, steps)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	return changed, nil
}

// checkKind reports a link whose type, parent, VLAN id or original device
// differs from the configuration: those need the link to be recreated.
func (e *engine) checkKind(ifc *config.Interface, l netlink.Link, tag linkTag) error {
	const hint = "; stop the group (teardown) so that it is recreated"
	if ifc.Type == config.TypePhys || tag.Phys != nil {
		if tag.Phys == nil || ifc.Type != config.TypePhys {
			return e.ifcErr(ifc, "%s is a %s link, configured type %s (%s)%s", ifc.Name, linkType(l, tag), ifc.Type, ifc.File("type"), hint)
		}
		if tag.Phys.OrigName != ifc.Link {
			return e.ifcErr(ifc, "%s is host device %s, configured %s (%s)%s", ifc.Name, tag.Phys.OrigName, ifc.Link, ifc.File("link"), hint)
		}
		return nil
	}
	if l.Type() != string(ifc.Type) {
		return e.ifcErr(ifc, "%s is a %s link, configured type %s (%s)%s", ifc.Name, l.Type(), ifc.Type, ifc.File("type"), hint)
	}
	parent, err := e.hostParent(ifc)
	if err != nil {
		return err
	}
	if parent != 0 && l.Attrs().ParentIndex != parent {
		return e.ifcErr(ifc, "%s is not on parent %s (%s)%s", ifc.Name, ifc.Link, ifc.File("link"), hint)
	}
	if v, ok := l.(*netlink.Vlan); ok && v.VlanId != ifc.VLAN {
		return e.ifcErr(ifc, "%s has VLAN id %d, configured %d (%s)%s", ifc.Name, v.VlanId, ifc.VLAN, ifc.File("vlan"), hint)
	}
	return nil
}

// linkType is the type vserverx shows for a link: "phys" for a moved
// device, the kernel's kind otherwise.
func linkType(l netlink.Link, tag linkTag) string {
	if tag.Phys != nil {
		return string(config.TypePhys)
	}
	return l.Type()
}

// fixMode sets a macvlan's mode when it differs.
//
// Equivalent to: ip link set NAME type macvlan mode MODE.
func (e *engine) fixMode(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	m, ok := l.(*netlink.Macvlan)
	want, known := macvlanModes[ifc.Mode]
	if !ok || !known || m.Mode == want {
		return false, nil
	}
	old := m.Mode
	if err := e.in.LinkSetMacvlanMode(l, want); err != nil {
		return false, e.ifcErr(ifc, "set macvlan mode %s (%s): %w", ifc.Mode, ifc.File("mode"), err)
	}
	steps.push(e.undo(func() error { return ignoreGone(e.in.LinkSetMacvlanMode(l, old)) }))
	return true, nil
}

// fixVethHost checks a veth's host side: its name is reported when wrong;
// its bridge and UP state are repaired.
func (e *engine) fixVethHost(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	if ifc.Type != config.TypeVeth {
		return false, nil
	}
	name := e.def.VethHostName(ifc)
	peer, err := e.host.LinkByIndex(l.Attrs().ParentIndex)
	if err != nil || peer.Attrs().Name != name {
		return false, e.ifcErr(ifc, "the host side of %s is not %s (%s): %v; stop the group (teardown) so that it is recreated", ifc.Name, name, ifc.File("host"), peerDesc(peer, err))
	}
	changed, err := e.fixBridge(ifc, peer, steps)
	if err != nil {
		return false, err
	}
	if peer.Attrs().Flags&net.FlagUp == 0 {
		if err := e.host.LinkSetUp(peer); err != nil {
			return false, e.ifcErr(ifc, "set host side %s up: %w", name, err)
		}
		steps.push(e.undo(func() error { return ignoreGone(e.host.LinkSetDown(peer)) }))
		changed = true
	}
	return changed, nil
}

// peerDesc describes what was found as a veth's host side.
func peerDesc(peer netlink.Link, err error) string {
	if err != nil {
		return err.Error()
	}
	return "found " + peer.Attrs().Name
}

// fixBridge attaches a veth's host side to its configured bridge (or
// detaches it when none is configured).
//
// Equivalent to: ip link set HOST master BRIDGE | nomaster.
func (e *engine) fixBridge(ifc *config.Interface, peer netlink.Link, steps *undoStack) (bool, error) {
	br, err := e.bridge(ifc)
	if err != nil {
		return false, err
	}
	want, old := 0, peer.Attrs().MasterIndex
	if br != nil {
		want = br.Attrs().Index
	}
	if want == old {
		return false, nil
	}
	if err := e.host.LinkSetMasterByIndex(peer, want); err != nil {
		return false, e.ifcErr(ifc, "attach host side %s to bridge %q (%s): %w", peer.Attrs().Name, ifc.Bridge, ifc.File("bridge"), err)
	}
	steps.push(e.undo(func() error { return ignoreGone(e.host.LinkSetMasterByIndex(peer, old)) }))
	return true, nil
}
