// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
)

// macvlanModes maps the configured mode to the kernel's. The mode is always
// sent: the kernel's default (vepa) is not vserverx's (bridge).
var macvlanModes = map[config.MacvlanMode]netlink.MacvlanMode{
	"":                  netlink.MACVLAN_MODE_BRIDGE,
	config.ModeBridge:   netlink.MACVLAN_MODE_BRIDGE,
	config.ModePrivate:  netlink.MACVLAN_MODE_PRIVATE,
	config.ModeVEPA:     netlink.MACVLAN_MODE_VEPA,
	config.ModePassthru: netlink.MACVLAN_MODE_PASSTHRU,
}

// linkRequest returns the link to create for a vlan, macvlan or veth
// interface (or an ipvlan: ipvlanRequest): under the temporary name tmp, with its MAC, alias and MTU set
// at creation; parent is the host index of ifc.Link (vlan, macvlan). The
// caller sets the namespace it is created in.
//
// Equivalent to: ip link add link PARENT name TMP netns X address MAC mtu
// MTU type vlan id ID | macvlan mode MODE | veth peer name HOST address
// HOSTMAC, then ip -n X link set TMP alias vserverx:X:N.
func linkRequest(def *config.Namespace, ifc *config.Interface, tmp string, parent int) (netlink.Link, error) {
	la := netlink.NewLinkAttrs()
	la.Name = tmp
	la.Alias = def.Alias(ifc.Num)
	la.Group = LinkGroup
	la.MTU = ifc.MTU
	if ifc.MAC != nil {
		la.HardwareAddr = ifc.MAC
	}
	switch ifc.Type {
	case config.TypeVLAN:
		la.ParentIndex = parent
		return &netlink.Vlan{LinkAttrs: la, VlanId: ifc.VLAN, VlanProtocol: netlink.VLAN_PROTOCOL_8021Q}, nil
	case config.TypeMacvlan:
		mode, ok := macvlanModes[ifc.Mode]
		if !ok {
			return nil, fmt.Errorf("unknown macvlan mode %q (allowed: %v)", ifc.Mode, config.MacvlanModes)
		}
		la.ParentIndex = parent
		return &netlink.Macvlan{LinkAttrs: la, Mode: mode}, nil
	case config.TypeIPVlan:
		la.ParentIndex = parent
		return ipvlanRequest(la, ifc)
	case config.TypeVeth:
		v := &netlink.Veth{LinkAttrs: la, PeerName: def.VethHostName(ifc), PeerTxQLen: -1}
		if ifc.HostMAC != nil {
			v.PeerHardwareAddr = ifc.HostMAC
		}
		return v, nil
	}
	return nil, fmt.Errorf("type %q cannot be created (allowed here: vlan, macvlan, ipvlan, veth)", ifc.Type)
}
