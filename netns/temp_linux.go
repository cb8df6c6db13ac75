// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"strings"

	"github.com/vishvananda/netlink"
)

// tempLinks returns the links in h's namespace that still carry a
// temporary name of vserverx's (tempPrefix) and no vserverx alias: links
// an interrupted start created and had not marked yet. Inside X they can
// only be X's (only vserverx creates such names, under X's lock). Links
// with a vserverx alias are left to ownLinks, which knows how to remove
// them (a phys device goes back to the host).
func tempLinks(h *netlink.Handle) ([]netlink.Link, error) {
	links, err := linkList(h)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	var out []netlink.Link
	for _, l := range links {
		if isTempLink(l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// isTempLink reports whether l has a temporary name and no vserverx alias.
func isTempLink(l netlink.Link) bool {
	_, marked := parseAlias(l.Attrs().Alias)
	return strings.HasPrefix(l.Attrs().Name, tempPrefix) && !marked
}

// clearTempInside deletes the unmarked temporary links in X (reached
// through in). Deleting one end of a veth deletes its other end, on the
// host too, at once (not after X is gone, as the kernel's clean-up of a
// deleted namespace would).
//
// Equivalent to: ip -n X link del vsxt...
func clearTempInside(in *netlink.Handle, open func() (*netlink.Handle, error)) error {
	links, err := tempLinks(in)
	if err != nil || len(links) == 0 {
		return err
	}
	return deleteLinks(in, open, links)
}

// hostTempPeers returns the unmarked temporary links on the host (reached
// through host) that are veth ends whose peer lives in the namespace with
// id nsid as the host sees it: the host sides of X's veths left by an
// interrupted start. nsid < 0 (X has no id on the host) matches nothing.
func hostTempPeers(host *netlink.Handle, nsid int) ([]netlink.Link, error) {
	if nsid < 0 {
		return nil, nil
	}
	links, err := tempLinks(host)
	if err != nil {
		return nil, err
	}
	var out []netlink.Link
	for _, l := range links {
		if l.Type() == "veth" && l.Attrs().NetNsID == nsid {
			out = append(out, l)
		}
	}
	return out, nil
}
