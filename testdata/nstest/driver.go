// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package nstest

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/testdata/nstest/sandbox"
)

// errDriverMissing is wrapped by a probe whose link the kernel does not
// support (EOPNOTSUPP: no such driver, built in or loadable).
var errDriverMissing = errors.New("kernel does not support this link type")

// probeParent is the veth the probe hangs vlan/macvlan/ipvlan links on.
const probeParent = "nstestparent0"

// probeDriver creates and deletes a link of the kind a module provides,
// through netlink; it leaves nothing behind.
func probeDriver(module string) error {
	probe, needsParent, err := probeLink(module)
	if err != nil {
		return err
	}
	if needsParent {
		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: probeParent}, PeerName: "nstestparent1"}); err != nil {
			return fmt.Errorf("creating the probe's parent veth: %w", err)
		}
		defer sandbox.DeleteLink(probeParent)
		parent, err := netlink.LinkByName(probeParent)
		if err != nil {
			return err
		}
		probe.Attrs().ParentIndex = parent.Attrs().Index
	}
	if err := netlink.LinkAdd(probe); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			return fmt.Errorf("creating a %s link: %w: %w", probe.Type(), errDriverMissing, err)
		}
		return fmt.Errorf("creating a %s link: %w", probe.Type(), err)
	}
	return sandbox.DeleteLink(probe.Attrs().Name)
}

// probeLink is the link that proves a module's driver is there, and whether
// it needs a parent device.
func probeLink(module string) (netlink.Link, bool, error) {
	attrs := netlink.LinkAttrs{Name: "nstestprobe0"}
	switch module {
	case "8021q":
		return &netlink.Vlan{LinkAttrs: attrs, VlanId: 2}, true, nil
	case "dummy":
		return &netlink.Dummy{LinkAttrs: attrs}, false, nil
	case "ipvlan":
		return &netlink.IPVlan{LinkAttrs: attrs, Mode: netlink.IPVLAN_MODE_L2}, true, nil
	case "macvlan":
		return &netlink.Macvlan{LinkAttrs: attrs, Mode: netlink.MACVLAN_MODE_BRIDGE}, true, nil
	case "macvtap":
		return &netlink.Macvtap{Macvlan: netlink.Macvlan{LinkAttrs: attrs, Mode: netlink.MACVLAN_MODE_BRIDGE}}, true, nil
	case "veth":
		return &netlink.Veth{LinkAttrs: attrs, PeerName: "nstestprobe1"}, false, nil
	case "bridge":
		return &netlink.Bridge{LinkAttrs: attrs}, false, nil
	}
	return nil, false, fmt.Errorf("nstest: no probe for driver %q", module)
}
