// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"bytes"
	"errors"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// configure gives link l in X what it lacks of ifc's addresses, UP state
// and default routes, pushing the undo of each change. A link that is not
// UP yet first gets its per-interface sysctls (setReadySysctls): they
// decide what happens to its addresses once it is UP. It reports whether
// it changed anything.
func (e *engine) configure(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	if l.Attrs().Flags&net.FlagUp == 0 {
		if err := e.setReadySysctls(ifc, l.Attrs().Name); err != nil {
			return false, err
		}
	}
	a, err := e.addAddrs(ifc, l, steps)
	if err != nil {
		return false, err
	}
	u, err := e.setUp(ifc, l, steps)
	if err != nil {
		return false, err
	}
	r, err := e.addRoutes(ifc, l, steps)
	return a || u || r, err
}

// prefixAddr turns a prefix (host part kept) into a netlink address.
func prefixAddr(p netip.Prefix) *netlink.Addr {
	bits := 32
	if p.Addr().Is6() {
		bits = 128
	}
	return &netlink.Addr{IPNet: &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), bits)}}
}

// addrPrefix turns a netlink address into a prefix.
func addrPrefix(a netlink.Addr) netip.Prefix {
	ip, _ := netip.AddrFromSlice(a.IP)
	ones, _ := a.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), ones)
}

// addAddrs adds the configured addresses l lacks; with dad optimistic,
// IPv6 ones are added optimistic (the interface's optimistic_dad alone
// leaves an added address tentative).
//
// Equivalent to: ip addr add PREFIX dev NAME [optimistic], for each
// missing one.
func (e *engine) addAddrs(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	have, err := addrList(e.in, l, netlink.FAMILY_ALL)
	if err != nil {
		return false, e.ifcErr(ifc, "list addresses: %w", err)
	}
	present := map[netip.Prefix]bool{}
	for _, a := range have {
		present[addrPrefix(a)] = true
	}
	changed := false
	for _, p := range ifc.Addrs {
		if present[p] || !e.probed && heldBack(ifc, p) {
			continue
		}
		addr := prefixAddr(p)
		if ifc.DAD == config.DADOptimistic && p.Addr().Is6() {
			addr.Flags = unix.IFA_F_OPTIMISTIC
		}
		if err := e.in.AddrAdd(l, addr); err != nil {
			return changed, e.ifcErr(ifc, "add address %s (%s): %w", p, ifc.File("ip"), err)
		}
		steps.push(e.undo(func() error { return ignoreGone(e.in.AddrDel(l, addr)) }))
		changed = true
	}
	return changed, nil
}

// setUp sets l administratively UP when it is not.
//
// Equivalent to: ip link set NAME up.
func (e *engine) setUp(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	if l.Attrs().Flags&net.FlagUp != 0 {
		return false, nil
	}
	if err := e.in.LinkSetUp(l); err != nil {
		return false, e.ifcErr(ifc, "set up: %w", err)
	}
	steps.push(e.undo(func() error { return ignoreGone(e.in.LinkSetDown(l)) }))
	return true, nil
}

// isDefault reports whether a route is a default route.
func isDefault(r netlink.Route) bool {
	if r.Dst == nil {
		return true
	}
	ones, _ := r.Dst.Mask.Size()
	return ones == 0 && r.Dst.IP.IsUnspecified()
}

// addRoutes adds the configured default routes l lacks, carrying
// RouteProtocol. A default route via the gateway that is there already
// counts whatever its protocol (earlier versions added them as proto
// boot).
//
// Equivalent to: ip route add default via GW dev NAME proto 73, for each
// missing one.
func (e *engine) addRoutes(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	if len(ifc.Gateways) == 0 {
		return false, nil
	}
	have, err := routeList(e.in, l, netlink.FAMILY_ALL)
	if err != nil {
		return false, e.ifcErr(ifc, "list routes: %w", err)
	}
	changed := false
	for _, gw := range ifc.Gateways {
		if hasDefaultVia(have, gw) || !e.probed && heldBackGateway(ifc, gw) {
			continue
		}
		r := &netlink.Route{LinkIndex: l.Attrs().Index, Gw: gw.AsSlice(), Protocol: RouteProtocol}
		if err := e.in.RouteAdd(r); err != nil {
			return changed, e.ifcErr(ifc, "add default route via %s (%s): %w", gw, ifc.File("gateway"), err)
		}
		steps.push(e.undo(func() error { return ignoreGone(e.in.RouteDel(r)) }))
		changed = true
	}
	return changed, nil
}

// hasDefaultVia reports whether routes hold a default route via gw.
func hasDefaultVia(routes []netlink.Route, gw netip.Addr) bool {
	for _, r := range routes {
		ip, ok := netip.AddrFromSlice(r.Gw)
		if ok && isDefault(r) && ip.Unmap() == gw {
			return true
		}
	}
	return false
}

// wantMAC returns the MAC ifc wants inside X, nil for "leave it" (a phys
// device with mac auto keeps its own).
func wantMAC(ifc *config.Interface) net.HardwareAddr {
	if ifc.Type == config.TypePhys && ifc.MACAuto {
		return nil
	}
	return ifc.MAC
}

// fixMACMTU sets l's MAC and MTU when they differ from ifc's and reports
// whether it changed anything.
//
// Equivalent to: ip link set NAME address MAC mtu MTU.
func (e *engine) fixMACMTU(ifc *config.Interface, l netlink.Link, steps *undoStack) (bool, error) {
	changed := false
	if mac, old := wantMAC(ifc), l.Attrs().HardwareAddr; mac != nil && !bytes.Equal(mac, old) {
		if err := e.in.LinkSetHardwareAddr(l, mac); err != nil {
			return false, e.ifcErr(ifc, "set MAC %s (%s): %w", mac, ifc.File("mac"), err)
		}
		steps.push(e.undo(func() error { return ignoreGone(e.in.LinkSetHardwareAddr(l, old)) }))
		changed = true
	}
	if mtu, old := ifc.MTU, l.Attrs().MTU; mtu > 0 && mtu != old {
		if err := e.in.LinkSetMTU(l, mtu); err != nil {
			return changed, e.ifcErr(ifc, "set MTU %d (%s): %w", mtu, ifc.File("mtu"), err)
		}
		steps.push(e.undo(func() error { return ignoreGone(e.in.LinkSetMTU(l, old)) }))
		changed = true
	}
	return changed, nil
}

// ignoreGone drops the error of an undo whose object is gone already: the
// link (ENODEV), an address (EADDRNOTAVAIL: IPv6 addresses go when a link
// goes down) or a route (ESRCH).
func ignoreGone(err error) error {
	if isNotFound(err) || errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ESRCH) {
		return nil
	}
	return err
}
