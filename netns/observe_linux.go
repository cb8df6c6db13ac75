// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// ObservedLink is one of vserverx's links of a namespace X (a link carrying
// the alias vserverx:X:N) as the kernel reports it: what `vserverx NAME
// apply` compares with the definition.
type ObservedLink struct {
	Num  int    // N of the alias
	Name string // name inside X
	// Type is config's name for the link: vlan, macvlan, veth, phys (a
	// device vserverx moved in), or the kernel's kind for anything else.
	Type config.LinkType

	Parent     string             // vlan, macvlan: the host device it hangs off ("" when not found)
	VLAN       int                // vlan: its id
	Mode       config.MacvlanMode // macvlan: its mode
	IPVlanMode config.IPVlanMode  // ipvlan: its mode
	IPVlanFlag config.IPVlanFlag  // ipvlan: its flags
	PhysOrig   string             // phys: the device's name on the host

	MAC  net.HardwareAddr
	MTU  int
	Up   bool // administratively UP
	Addr []ObservedAddr
	// Defaults are the default routes of the main table through the link.
	Defaults []ObservedRoute

	Host    string           // veth: the host side's name ("" when not found)
	HostMAC net.HardwareAddr // veth: the host side's MAC
	HostUp  bool             // veth: the host side is UP
	Bridge  string           // veth: the bridge the host side is in, "" for none

	physMACChanged bool // phys: vserverx changed its MAC (the record keeps the old one)
}

// ObservedAddr is one address of an observed link.
type ObservedAddr struct {
	Prefix netip.Prefix
	// Configured is true for an address someone added (`ip addr add`,
	// vserverx, util-vserver): the kernel marks it permanent (no lifetime),
	// and it is not link-local (the kernel gives every link its own IPv6
	// link-local address).
	Configured bool

	addr netlink.Addr // as listed, to add it back exactly
}

// ObservedRoute is one default route of an observed link.
type ObservedRoute struct {
	Gateway netip.Addr
	// Configured is true for a route someone added (protocol boot or
	// static, as `ip route add` makes them, or vserverx's RouteProtocol),
	// not one the kernel learnt
	// (router advertisements, DHCP clients use other protocols).
	Configured bool

	route netlink.Route // as listed, to add it back exactly
}

// ObserveLinks returns vserverx's links of namespace n, sorted by N, with
// their addresses and default routes. It changes nothing.
//
// Equivalent to: ip -n X -d addr show; ip -n X route show default, for the
// links whose alias is vserverx:X:N.
func ObserveLinks(n *NS) ([]ObservedLink, error) {
	e, err := newEngine(n, nil)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	defer e.close()
	own, err := ownLinks(e.in, n.Name)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	out := make([]ObservedLink, 0, len(own))
	for _, l := range own {
		o, err := e.observe(l)
		if err != nil {
			return nil, fmt.Errorf("network namespace %s: link %s: %w", n.Name, l.link.Attrs().Name, err)
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b ObservedLink) int { return a.Num - b.Num })
	return out, nil
}

// observe describes one of vserverx's links.
func (e *engine) observe(l ownLink) (ObservedLink, error) {
	a := l.link.Attrs()
	o := ObservedLink{Num: l.tag.Num, Name: a.Name, Type: config.LinkType(linkType(l.link, l.tag)),
		MAC: a.HardwareAddr, MTU: a.MTU, Up: a.Flags&net.FlagUp != 0}
	e.observeKind(&o, l)
	var err error
	if o.Addr, err = e.observeAddrs(l.link); err != nil {
		return o, err
	}
	if o.Defaults, err = e.observeDefaults(l.link); err != nil {
		return o, err
	}
	return o, e.observeVethHost(&o, l.link)
}

// observeKind fills what makes the link what it is: parent, VLAN id,
// macvlan mode, the original phys device.
func (e *engine) observeKind(o *ObservedLink, l ownLink) {
	if p := l.tag.Phys; p != nil {
		o.PhysOrig, o.physMACChanged = p.OrigName, p.MAC != nil
		return
	}
	switch v := l.link.(type) {
	case *netlink.Vlan:
		o.VLAN = v.VlanId
		o.Parent = e.hostName(v.ParentIndex)
	case *netlink.Macvlan:
		o.Mode = modeName(v.Mode)
		o.Parent = e.hostName(v.ParentIndex)
	case *netlink.IPVlan:
		o.IPVlanMode, o.IPVlanFlag = ipvlanNames(v)
		o.Parent = e.hostName(v.ParentIndex)
	}
}

// hostName is the name of host link index, "" when there is none.
func (e *engine) hostName(index int) string {
	if index == 0 {
		return ""
	}
	l, err := e.host.LinkByIndex(index)
	if err != nil {
		return ""
	}
	return l.Attrs().Name
}

// modeName is config's name of a macvlan mode.
func modeName(m netlink.MacvlanMode) config.MacvlanMode {
	for name, mode := range macvlanModes {
		if mode == m && name != "" {
			return name
		}
	}
	return config.MacvlanMode(fmt.Sprint(m))
}

// observeAddrs lists the link's addresses.
func (e *engine) observeAddrs(l netlink.Link) ([]ObservedAddr, error) {
	addrs, err := addrList(e.in, l, netlink.FAMILY_ALL)
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	out := make([]ObservedAddr, 0, len(addrs))
	for _, a := range addrs {
		p := addrPrefix(a)
		configured := a.Flags&unix.IFA_F_PERMANENT != 0 && !p.Addr().IsLinkLocalUnicast()
		out = append(out, ObservedAddr{Prefix: p, Configured: configured, addr: a})
	}
	return out, nil
}

// observeDefaults lists the default routes through the link.
func (e *engine) observeDefaults(l netlink.Link) ([]ObservedRoute, error) {
	routes, err := routeList(e.in, l, netlink.FAMILY_ALL)
	if err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	var out []ObservedRoute
	for _, r := range routes {
		gw, ok := netip.AddrFromSlice(r.Gw)
		if !ok || !isDefault(r) {
			continue
		}
		configured := r.Protocol == unix.RTPROT_BOOT || r.Protocol == unix.RTPROT_STATIC || r.Protocol == RouteProtocol
		out = append(out, ObservedRoute{Gateway: gw.Unmap(), Configured: configured, route: r})
	}
	return out, nil
}

// observeVethHost fills the host side of a veth: its name, MAC, UP state
// and bridge.
func (e *engine) observeVethHost(o *ObservedLink, l netlink.Link) error {
	if o.Type != config.TypeVeth {
		return nil
	}
	peer, err := e.host.LinkByIndex(l.Attrs().ParentIndex)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("host side: %w", err)
	}
	a := peer.Attrs()
	o.Host, o.HostMAC, o.HostUp = a.Name, a.HardwareAddr, a.Flags&net.FlagUp != 0
	o.Bridge = e.hostName(a.MasterIndex)
	return nil
}

// ReadSysctls reads the current value inside n of each key of s (its value
// is ignored), its words separated by one space; "" for a key the
// namespace does not have.
//
// Equivalent to: ip netns exec X sysctl -n KEY, for each.
func ReadSysctls(n *NS, s []config.Sysctl) (map[string]string, error) {
	out := map[string]string{}
	err := n.Do(func() error {
		for _, sc := range s {
			b, err := os.ReadFile(sc.Path())
			if errors.Is(err, os.ErrNotExist) {
				out[sc.Key] = "" // ApplySysctls names the unknown key
				continue
			}
			if err != nil {
				return fmt.Errorf("sysctl %s (%s): %w", sc.Key, sc.File, err)
			}
			out[sc.Key] = strings.Join(strings.Fields(string(b)), " ")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	return out, nil
}

// RemoveAddr removes address a from link l of n. The Undo adds it back
// with the attributes it had (label, broadcast, scope, flags).
//
// Equivalent to: ip -n X addr del PREFIX dev NAME.
func RemoveAddr(n *NS, l ObservedLink, a ObservedAddr) (Undo, error) {
	return onLinkOf(n, l, func(e *engine, link netlink.Link) (Undo, error) {
		addr := a.addr
		addr.LinkIndex = link.Attrs().Index
		if err := e.in.AddrDel(link, &addr); err != nil {
			return NoUndo, fmt.Errorf("remove address %s: %w", a.Prefix, err)
		}
		return e.undo(func() error {
			back := addrToAdd(a.addr)
			if err := ignoreExists(e.in.AddrAdd(link, &back)); err != nil {
				return fmt.Errorf("network namespace %s: add address %s back to %s: %w", n.Name, a.Prefix, l.Name, err)
			}
			return nil
		}), nil
	})
}

// addrToAdd is a listed address as AddrAdd takes it: the kernel reports
// the lifetimes left and its own flags, which an add must not send, and an
// IPv4 address listed without a broadcast address gets none.
func addrToAdd(a netlink.Addr) netlink.Addr {
	a.ValidLft, a.PreferedLft = 0, 0
	if a.Broadcast == nil && a.IP.To4() != nil {
		a.Broadcast = net.IPv4zero // none, as listed: netlink would compute one
	}
	a.Flags &^= unix.IFA_F_PERMANENT | unix.IFA_F_TENTATIVE | unix.IFA_F_DADFAILED | unix.IFA_F_SECONDARY | unix.IFA_F_DEPRECATED
	return a
}

// RemoveDefaultRoute removes default route r of link l of n. The Undo adds
// it back as it was.
//
// Equivalent to: ip -n X route del default via GW dev NAME.
func RemoveDefaultRoute(n *NS, l ObservedLink, r ObservedRoute) (Undo, error) {
	return onLinkOf(n, l, func(e *engine, link netlink.Link) (Undo, error) {
		route := r.route
		if err := e.in.RouteDel(&route); err != nil {
			return NoUndo, fmt.Errorf("remove default route via %s: %w", r.Gateway, err)
		}
		return e.undo(func() error {
			back := r.route
			if err := ignoreExists(e.in.RouteAdd(&back)); err != nil {
				return fmt.Errorf("network namespace %s: add default route via %s back to %s: %w", n.Name, r.Gateway, l.Name, err)
			}
			return nil
		}), nil
	})
}

// onLinkOf opens an engine on n, finds link l again (by its name and
// alias) and runs fn on it; errors name the namespace and the link.
func onLinkOf(n *NS, l ObservedLink, fn func(*engine, netlink.Link) (Undo, error)) (Undo, error) {
	e, err := newEngine(n, nil)
	if err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	defer e.close()
	link, err := e.in.LinkByName(l.Name)
	if err == nil {
		if tag, ok := parseAlias(link.Attrs().Alias); !ok || tag.NS != n.Name || tag.Num != l.Num {
			err = fmt.Errorf("it is no longer vserverx's link %d", l.Num)
		}
	}
	if err != nil {
		return NoUndo, fmt.Errorf("network namespace %s, link %s: %w", n.Name, l.Name, err)
	}
	u, err := fn(e, link)
	if err != nil {
		return NoUndo, fmt.Errorf("network namespace %s, link %s: %w", n.Name, l.Name, err)
	}
	return u, nil
}

// ignoreExists drops EEXIST: what an undo adds back is there already.
func ignoreExists(err error) error {
	if errors.Is(err, unix.EEXIST) {
		return nil
	}
	return err
}

// RemoveInterface removes vserverx's link l of namespace def.Name where
// it is, as teardown does (linkPlace.remove): a virtual link is deleted (a
// veth with its host side), a phys device goes back to the host under its
// original name. The Undo creates it again as it was found (type, parent,
// VLAN id, mode, name, MAC, MTU, configured addresses and default routes,
// a veth's host side and bridge); its index, and the labels and
// broadcast addresses of its addresses, are new.
//
// Equivalent to: ip -n X link del NAME, or for phys: ip -n X link set
// NAME netns 1 name TMP; ip link set TMP name ORIG ...
func RemoveInterface(n *NS, def *config.Namespace, l ObservedLink) (Undo, error) {
	e, err := newEngine(n, def)
	if err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	defer e.close()
	if err := e.restorePhysUndo(l.Num)(); err != nil {
		return NoUndo, fmt.Errorf("network namespace %s: remove link %s: %w", n.Name, l.Name, err)
	}
	asFound := l.asInterface(def)
	return e.undo(func() error {
		if _, err := e.create(asFound); err != nil {
			return fmt.Errorf("create link %s again: %w", l.Name, err)
		}
		return e.setDownAsFound(l)
	}), nil
}

// setDownAsFound sets DOWN again what of l was found DOWN (create brings a
// link UP): the link inside X, a veth's host side.
func (e *engine) setDownAsFound(l ObservedLink) error {
	if !l.Up {
		if err := setDownByName(e.in, l.Name); err != nil {
			return fmt.Errorf("set link %s down again in %s: %w", l.Name, e.ns.Name, err)
		}
	}
	if l.Type == config.TypeVeth && l.Host != "" && !l.HostUp {
		if err := setDownByName(e.host, l.Host); err != nil {
			return fmt.Errorf("set link %s down again on the host: %w", l.Host, err)
		}
	}
	return nil
}

// setDownByName sets link name DOWN through h.
// Equivalent to: ip link set NAME down.
func setDownByName(h *netlink.Handle, name string) error {
	link, err := h.LinkByName(name)
	if err != nil {
		return err
	}
	return h.LinkSetDown(link)
}

// asInterface is the definition that creates l again as it was found.
func (l ObservedLink) asInterface(def *config.Namespace) *config.Interface {
	ifc := &config.Interface{Num: l.Num, Dir: fmt.Sprintf("%s (as found before apply)", l.Name),
		Type: l.Type, Link: l.Parent, VLAN: l.VLAN, Mode: l.Mode, IPVlanMode: l.IPVlanMode, IPVlanFlag: l.IPVlanFlag, Name: l.Name,
		Host: l.Host, Bridge: l.Bridge, MAC: l.MAC, HostMAC: l.HostMAC, MTU: l.MTU}
	if l.Type == config.TypePhys {
		ifc.Link = l.PhysOrig
		if !l.physMACChanged {
			ifc.MAC, ifc.MACAuto = nil, true
		}
	}
	for _, a := range l.Addr {
		if a.Configured {
			ifc.Addrs = append(ifc.Addrs, a.Prefix)
		}
	}
	for _, r := range l.Defaults {
		if r.Configured {
			ifc.Gateways = append(ifc.Gateways, r.Gateway)
		}
	}
	return ifc
}
