// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"

	"github.com/vishvananda/netlink"
)

// LinkStatus is one link of a namespace as `vserverx status` shows it.
type LinkStatus struct {
	Name  string   `json:"name"`
	Type  string   `json:"type"`
	MAC   string   `json:"mac"`
	State string   `json:"state"`
	Alias string   `json:"alias,omitempty"`
	MTU   int      `json:"mtu"`
	Addrs []string `json:"addresses"` // CIDR, IPv4 and IPv6
	Index int      `json:"index"`
}

// Links lists the links of n with their addresses, like `ip -n NAME -br
// addr`. Type is "phys" for a device vserverx moved in; State is "UP" or
// "DOWN" (administrative), followed by the operational state in
// parentheses when it is known and differs.
func Links(n *NS) ([]LinkStatus, error) {
	h, err := n.NewHandle()
	if err != nil {
		return nil, err
	}
	defer h.Close()
	links, err := linkList(h)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: list links: %w", n.Name, err)
	}
	out := make([]LinkStatus, 0, len(links))
	for _, l := range links {
		s, err := linkStatus(h, l)
		if err != nil {
			return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// linkStatus describes one link.
func linkStatus(h *netlink.Handle, l netlink.Link) (LinkStatus, error) {
	a := l.Attrs()
	tag, _ := parseAlias(a.Alias)
	s := LinkStatus{Name: a.Name, Type: linkType(l, tag), MAC: a.HardwareAddr.String(),
		State: adminState(l), Alias: a.Alias, MTU: a.MTU, Index: a.Index}
	addrs, err := addrList(h, l, netlink.FAMILY_ALL)
	if err != nil {
		return s, fmt.Errorf("addresses of %s: %w", a.Name, err)
	}
	for _, ad := range addrs {
		s.Addrs = append(s.Addrs, addrPrefix(ad).String())
	}
	return s, nil
}

// adminState is "UP" or "DOWN", with the operational state when it says
// more ("UP (lowerlayerdown)").
func adminState(l netlink.Link) string {
	st := "DOWN"
	if l.Attrs().RawFlags&1 != 0 { // IFF_UP
		st = "UP"
	}
	op := l.Attrs().OperState
	if op != netlink.OperUnknown && op.String() != "up" && op.String() != "down" {
		st += " (" + op.String() + ")"
	} else if st == "UP" && op == netlink.OperDown {
		st += " (no carrier)"
	}
	return st
}
