// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
)

// ipvlanModes and ipvlanFlags map the configured mode and flags to the
// kernel's. Both are always sent.
var (
	ipvlanModes = map[config.IPVlanMode]netlink.IPVlanMode{
		config.IPVlanL2: netlink.IPVLAN_MODE_L2, config.IPVlanL3: netlink.IPVLAN_MODE_L3, config.IPVlanL3S: netlink.IPVLAN_MODE_L3S,
	}
	ipvlanFlags = map[config.IPVlanFlag]netlink.IPVlanFlag{
		config.IPVlanBridge: netlink.IPVLAN_FLAG_BRIDGE, config.IPVlanPrivate: netlink.IPVLAN_FLAG_PRIVATE, config.IPVlanVEPA: netlink.IPVLAN_FLAG_VEPA,
	}
)

// ipvlanRequest is the ipvlan to create for ifc with attributes la (its
// parent set): it has no MAC of its own, the parent's is used.
//
// Equivalent to: ip link add link PARENT name TMP type ipvlan mode MODE FLAG.
func ipvlanRequest(la netlink.LinkAttrs, ifc *config.Interface) (netlink.Link, error) {
	mode, ok := ipvlanModes[ifc.IPVlanMode]
	if !ok {
		return nil, fmt.Errorf("unknown ipvlan mode %q (allowed: %v)", ifc.IPVlanMode, config.IPVlanModes)
	}
	flag, ok := ipvlanFlags[ifc.IPVlanFlag]
	if !ok {
		return nil, fmt.Errorf("unknown ipvlan flags %q (allowed: %v)", ifc.IPVlanFlag, config.IPVlanFlags)
	}
	la.HardwareAddr = nil
	return &netlink.IPVlan{LinkAttrs: la, Mode: mode, Flag: flag}, nil
}

// ipvlanNames are config's names of an ipvlan's mode and flags.
func ipvlanNames(v *netlink.IPVlan) (config.IPVlanMode, config.IPVlanFlag) {
	var mode config.IPVlanMode = config.IPVlanMode(fmt.Sprint(v.Mode))
	for name, m := range ipvlanModes {
		if m == v.Mode {
			mode = name
		}
	}
	var flag config.IPVlanFlag = config.IPVlanFlag(fmt.Sprint(v.Flag))
	for name, f := range ipvlanFlags {
		if f == v.Flag {
			flag = name
		}
	}
	return mode, flag
}

// hasParent reports whether links of ifc's type hang off a host device
// (vlan, macvlan, ipvlan).
func hasParent(ifc *config.Interface) bool {
	return ifc.Type == config.TypeVLAN || ifc.Type == config.TypeMacvlan || ifc.Type == config.TypeIPVlan
}
