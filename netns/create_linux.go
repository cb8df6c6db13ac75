// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// create makes interface ifc in X: a virtual link is created inside X under
// a temporary name (a phys device is renamed to one on the host and moved
// in), renamed, configured and set UP. On failure it rolls back and returns the error.
func (e *engine) create(ifc *config.Interface) (Undo, error) {
	var steps undoStack
	var err error
	if ifc.Type == config.TypePhys {
		err = e.createPhys(ifc, &steps)
	} else {
		err = e.createVirtual(ifc, &steps)
	}
	if err != nil {
		return NoUndo, steps.rollback(err)
	}
	return steps.undo(), nil
}

// createVirtual creates a vlan, macvlan or veth inside X (a veth's host side
// on the host). Every new link carries vserverx's mark from its first
// moment: it is created under a temporary name (tempPrefix; a veth's host
// side too), which only becomes its final name once the alias is set, so
// that a start killed in between leaves only links the next start or stop
// recognises and deletes (clearTempInside).
func (e *engine) createVirtual(ifc *config.Interface, steps *undoStack) error {
	parent, err := e.hostParent(ifc)
	if err != nil {
		return err
	}
	if err := e.checkVethHost(ifc); err != nil {
		return err
	}
	tmp := freeTempName(e.host)
	req, err := linkRequest(e.def, ifc, tmp, parent)
	if err != nil {
		return e.ifcErr(ifc, "%s: %w", ifc.File("type"), err)
	}
	hostTmp := ""
	if v, ok := req.(*netlink.Veth); ok {
		hostTmp = freeTempNameBut(e.host, tmp)
		v.PeerName = hostTmp // renamed to the host-side name once marked (setupVethHost)
	}
	// Created directly inside X (IFLA_NET_NS_FD; a veth's peer stays on
	// the host): moving a link into a namespace afterwards makes the
	// kernel wait for an RCU grace period, about 20 ms per link.
	req.Attrs().Namespace = netlink.NsFd(e.ns.fd)
	if err := e.host.LinkAdd(req); err != nil {
		return e.ifcErr(ifc, "create %s link (temporary name %s) in the namespace%s: %w", ifc.Type, tmp, onParent(ifc), err)
	}
	// req's index is X's, not the host's: look it up in X by name.
	req.Attrs().Index = 0
	// The kernel ignores IFLA_IFALIAS when it creates a link: set it now.
	if err := e.in.LinkSetAlias(req, req.Attrs().Alias); err != nil {
		return errors.Join(e.ifcErr(ifc, "set alias %s on %s: %w", req.Attrs().Alias, tmp, err), deleteLink(e.in, req))
	}
	steps.push(e.deleteInsideUndo(ifc.Num))
	if ifc.Type == config.TypeVeth {
		if err := e.setupVethHost(ifc, hostTmp); err != nil {
			return err
		}
	}
	return e.configureInside(ifc, tmp, steps)
}

// onParent describes the parent of a vlan/macvlan/ipvlan for messages.
func onParent(ifc *config.Interface) string {
	if hasParent(ifc) {
		return " on " + ifc.Link
	}
	return ""
}

// hostParent returns the host index of the parent of a vlan, macvlan or ipvlan, 0
// for other types.
func (e *engine) hostParent(ifc *config.Interface) (int, error) {
	if !hasParent(ifc) {
		return 0, nil
	}
	p, err := e.host.LinkByName(ifc.Link)
	if err != nil {
		if isNotFound(err) {
			return 0, e.ifcErr(ifc, "%w", config.MissingHostDevice(ifc))
		}
		return 0, e.ifcErr(ifc, "parent device %s (%s): %w", ifc.Link, ifc.File("link"), err)
	}
	if err := config.MTUAboveParent(ifc, p.Attrs().MTU); err != nil {
		return 0, e.ifcErr(ifc, "%w", err)
	}
	return p.Attrs().Index, nil
}

// checkVethHost refuses a veth whose host-side name is taken or whose
// bridge is missing, before anything is created.
func (e *engine) checkVethHost(ifc *config.Interface) error {
	if ifc.Type != config.TypeVeth {
		return nil
	}
	name := e.def.VethHostName(ifc)
	if _, err := e.host.LinkByName(name); !isNotFound(err) {
		return e.ifcErr(ifc, "%w", config.HostNameTaken(ifc, name))
	}
	_, err := e.bridge(ifc)
	return err
}

// bridge returns the host bridge of a veth, nil when none is configured.
func (e *engine) bridge(ifc *config.Interface) (netlink.Link, error) {
	if ifc.Bridge == "" {
		return nil, nil
	}
	br, err := e.host.LinkByName(ifc.Bridge)
	if err != nil {
		if isNotFound(err) {
			return nil, e.ifcErr(ifc, "%w", config.MissingBridge(ifc, ""))
		}
		return nil, e.ifcErr(ifc, "bridge %s (%s): %w", ifc.Bridge, ifc.File("bridge"), err)
	}
	if br.Type() != "bridge" {
		return nil, e.ifcErr(ifc, "%w", config.MissingBridge(ifc, br.Type()))
	}
	return br, nil
}

// setupVethHost gives the host side of a new veth, created as tmp, the
// alias, then its host-side name, the bridge and UP. Its undo is the
// deletion of the pair.
//
// Equivalent to: ip link set TMP alias vserverx:X:N; ip link set TMP name
// HOST; ip link set HOST master BRIDGE up.
func (e *engine) setupVethHost(ifc *config.Interface, tmp string) error {
	name := e.def.VethHostName(ifc)
	peer, err := e.host.LinkByName(tmp)
	if err != nil {
		return e.ifcErr(ifc, "host side %s of the new veth: %w", tmp, err)
	}
	if err := e.host.LinkSetAlias(peer, e.def.Alias(ifc.Num)); err != nil {
		return e.ifcErr(ifc, "set the alias of host side %s: %w", tmp, err)
	}
	if err := e.host.LinkSetName(peer, name); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return e.ifcErr(ifc, "%w", config.HostNameTaken(ifc, name))
		}
		return e.ifcErr(ifc, "rename host side %s to %s: %w", tmp, name, err)
	}
	br, err := e.bridge(ifc)
	if err != nil {
		return err
	}
	if br != nil {
		if err := e.host.LinkSetMaster(peer, br); err != nil {
			return e.ifcErr(ifc, "attach host side %s to bridge %s (%s): %w", name, ifc.Bridge, ifc.File("bridge"), err)
		}
	}
	if err := e.host.LinkSetUp(peer); err != nil {
		return e.ifcErr(ifc, "set host side %s up: %w", name, err)
	}
	return nil
}

// deleteInsideUndo deletes vserverx's link N of X inside X. Virtual links
// are created there, and a veth's host side goes with its inside end (the
// kernel deletes both ends of a pair), so the host is not searched.
func (e *engine) deleteInsideUndo(num int) Undo {
	return e.undo(func() error {
		if err := e.removeOwnInside(num); err != nil {
			return fmt.Errorf("network namespace %s: delete link %d: %w", e.ns.Name, num, err)
		}
		return nil
	})
}

// removeOwnInside removes vserverx's link N of X that is inside X as
// linkPlace.remove does (a phys device goes to the host).
func (e *engine) removeOwnInside(num int) error {
	l, err := findOwn(e.in, e.ns.Name, num)
	if err != nil {
		return err
	}
	return e.inside().removeOne(l)
}

// configureInside renames the link that arrived in X as tmp to its
// configured name and gives it its MAC (phys), MTU (phys), addresses, UP
// and default routes.
func (e *engine) configureInside(ifc *config.Interface, tmp string, steps *undoStack) error {
	l, err := e.in.LinkByName(tmp)
	if err != nil {
		return e.ifcErr(ifc, "find %s (temporary name) in the namespace: %w", tmp, err)
	}
	if err := e.in.LinkSetName(l, ifc.Name); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return e.ifcErr(ifc, "%w", config.NameTaken(ifc))
		}
		return e.ifcErr(ifc, "rename %s to %s: %w", tmp, ifc.Name, err)
	}
	l.Attrs().Name = ifc.Name
	if ifc.Type == config.TypePhys {
		if _, err := e.fixMACMTU(ifc, l, steps); err != nil {
			return err
		}
	}
	_, err = e.configure(ifc, l, steps)
	return err
}
