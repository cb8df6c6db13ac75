// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"bytes"
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
)

// createPhys moves the host device ifc.Link into X: it records in the
// device's alias how to restore it, sets it down, renames it to a
// temporary name, moves it in and configures it under ifc.Name.
//
// Equivalent to: ip link set DEV alias vserverx:X:N:orig=DEV:...; ip link
// set DEV down name TMP netns X; then inside X: ip link set TMP name NAME.
func (e *engine) createPhys(ifc *config.Interface, steps *undoStack) error {
	dev, err := e.physDevice(ifc)
	if err != nil {
		return err
	}
	rec := &physRecord{OrigName: dev.Attrs().Name, MTU: dev.Attrs().MTU,
		Up: dev.Attrs().Flags&net.FlagUp != 0, OrigAlias: dev.Attrs().Alias}
	if mac := wantMAC(ifc); mac != nil && !bytes.Equal(mac, dev.Attrs().HardwareAddr) {
		rec.MAC = dev.Attrs().HardwareAddr
	}
	alias := formatAlias(e.ns.Name, ifc.Num, rec)
	if len(alias) > config.MaxAliasLen {
		return e.ifcErr(ifc, "device %s (%s): its alias and name do not fit into the %d bytes of the alias vserverx records them in; remove its alias", rec.OrigName, ifc.File("link"), config.MaxAliasLen)
	}
	if err := e.host.LinkSetAlias(dev, alias); err != nil {
		return e.ifcErr(ifc, "set the alias of device %s: %w", rec.OrigName, err)
	}
	steps.push(e.restorePhysUndo(ifc.Num))
	tmp := freeTempName(e.host)
	if err := moveDevice(e.host, dev, tmp, e.ns.fd); err != nil {
		return e.ifcErr(ifc, "move device %s (%s) into the namespace as %s: %w", rec.OrigName, ifc.File("link"), tmp, err)
	}
	return e.configureInside(ifc, tmp, steps)
}

// physDevice returns the host device a phys interface moves in, after
// checking that vserverx may take it.
func (e *engine) physDevice(ifc *config.Interface) (netlink.Link, error) {
	dev, err := e.host.LinkByName(ifc.Link)
	if err != nil {
		if isNotFound(err) {
			return nil, e.ifcErr(ifc, "%w", config.MissingHostDevice(ifc))
		}
		return nil, e.ifcErr(ifc, "device %s (%s): %w", ifc.Link, ifc.File("link"), err)
	}
	if tag, ok := parseAlias(dev.Attrs().Alias); ok {
		return nil, e.ifcErr(ifc, "device %s (%s) is already vserverx's link %d of namespace %s", ifc.Link, ifc.File("link"), tag.Num, tag.NS)
	}
	return dev, e.checkNoHostAddrs(ifc, dev)
}

// checkNoHostAddrs refuses a device that carries host addresses (other
// than IPv6 link-local ones): moving it would silently drop them and a
// rollback could not restore them.
func (e *engine) checkNoHostAddrs(ifc *config.Interface, dev netlink.Link) error {
	addrs, err := addrList(e.host, dev, netlink.FAMILY_ALL)
	if err != nil {
		return e.ifcErr(ifc, "list addresses of device %s: %w", ifc.Link, err)
	}
	for _, a := range addrs {
		if p := addrPrefix(a); !p.Addr().IsLinkLocalUnicast() || p.Addr().Is4() {
			return e.ifcErr(ifc, "device %s (%s) has the host address %s; moving it into the namespace would drop it: remove the host's addresses first", ifc.Link, ifc.File("link"), p)
		}
	}
	return nil
}

// moveDevice sets l down, renames it to tmp in h's namespace and moves it
// into the namespace fd.
func moveDevice(h *netlink.Handle, l netlink.Link, tmp string, fd int) error {
	if err := h.LinkSetDown(l); err != nil {
		return fmt.Errorf("set down: %w", err)
	}
	if err := h.LinkSetName(l, tmp); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	if err := h.LinkSetNsFd(l, fd); err != nil {
		return fmt.Errorf("move: %w", err)
	}
	return nil
}

// restorePhysUndo puts phys device N of X back on the host as it was,
// wherever it is: in X, or on the host (linkPlace.remove).
func (e *engine) restorePhysUndo(num int) Undo {
	return e.undo(func() error {
		if err := e.removeOwnInside(num); err != nil {
			return fmt.Errorf("network namespace %s: move device %d back to the host: %w", e.ns.Name, num, err)
		}
		l, err := findOwn(e.host, e.ns.Name, num)
		if err != nil {
			return err
		}
		return e.onHost().removeOne(l)
	})
}

// moveOut moves a phys device from X (reached through in) to the host
// (host, hostFd) under a temporary name: its name in X may be taken on the
// host.
func moveOut(in, host *netlink.Handle, hostFd int, l ownLink) error {
	tmp := freeTempName(host)
	if err := moveDevice(in, l.link, tmp, hostFd); err != nil {
		return fmt.Errorf("device %s (originally %s): %w", l.link.Attrs().Name, l.tag.Phys.OrigName, err)
	}
	return nil
}

// restoreOnHost gives a phys device back on the host its original name,
// MTU, MAC, UP state and, last, its own alias.
//
// Equivalent to: ip link set TMP name ORIG mtu MTU address MAC alias OLD [up].
func restoreOnHost(h *netlink.Handle, l ownLink) error {
	p, a := l.tag.Phys, l.link.Attrs()
	wrap := func(what string, err error) error {
		return fmt.Errorf("restore device %s (now %s): %s: %w", p.OrigName, a.Name, what, err)
	}
	if err := h.LinkSetDown(l.link); err != nil {
		return wrap("set down", err)
	}
	if a.Name != p.OrigName {
		if err := h.LinkSetName(l.link, p.OrigName); err != nil {
			return wrap("rename", err)
		}
	}
	if err := restoreMTUMAC(h, l.link, p); err != nil {
		return wrap("MTU/MAC", err)
	}
	if err := h.LinkSetAlias(l.link, p.OrigAlias); err != nil {
		return wrap("alias", err)
	}
	if p.Up {
		if err := h.LinkSetUp(l.link); err != nil {
			return wrap("set up", err)
		}
	}
	return nil
}

// restoreMTUMAC restores the recorded MTU and (when recorded) MAC.
func restoreMTUMAC(h *netlink.Handle, l netlink.Link, p *physRecord) error {
	var errs []error
	if p.MTU > 0 && l.Attrs().MTU != p.MTU {
		errs = append(errs, h.LinkSetMTU(l, p.MTU))
	}
	if p.MAC != nil && !bytes.Equal(l.Attrs().HardwareAddr, p.MAC) {
		errs = append(errs, h.LinkSetHardwareAddr(l, p.MAC))
	}
	return errors.Join(errs...)
}
