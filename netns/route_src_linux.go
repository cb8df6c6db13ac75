// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// srcWaitTimeout bounds the wait for an IPv6 source address to finish
// duplicate address detection (one probe and its retransmit timer, about
// a second, plus the kernel's random start delay).
const srcWaitTimeout = 10 * time.Second

// waitForSource waits until the IPv6 src of route r, an address of n, is
// no longer tentative: the kernel refuses a route whose preferred source
// is an address still in duplicate address detection ("Invalid source
// address"). It watches the namespace's address events and returns at
// once when the address is usable already; an address that failed DAD or
// stays tentative past srcWaitTimeout is an error naming it and the line.
//
// Equivalent to: waiting until ip -n X addr show lists SRC without
// tentative.
func waitForSource(n *NS, r config.Route) error {
	if !r.Src.IsValid() || !r.Src.Is6() {
		return nil
	}
	updates, done := make(chan netlink.AddrUpdate), make(chan struct{})
	defer close(done)
	h := vnetns.NsHandle(n.fd)
	opts := netlink.AddrSubscribeOptions{Namespace: &h, ListExisting: true}
	if err := netlink.AddrSubscribeWithOptions(updates, done, opts); err != nil {
		return fmt.Errorf("network namespace %s: watch addresses for route %s (%s): %w", n.Name, r, r.Where(), err)
	}
	timeout := time.After(srcWaitTimeout)
	for {
		select {
		case u, ok := <-updates:
			if !ok {
				return fmt.Errorf("network namespace %s: watching addresses for route %s (%s) ended", n.Name, r, r.Where())
			}
			if done, err := sourceReady(n, r, u); done {
				return err
			}
		case <-timeout:
			return fmt.Errorf("network namespace %s: route %s (%s): source address %s is still tentative (duplicate address detection) after %s",
				n.Name, r, r.Where(), r.Src, srcWaitTimeout)
		}
	}
}

// sourceReady reports whether address update u ends the wait for r's
// source address, and with which error.
func sourceReady(n *NS, r config.Route, u netlink.AddrUpdate) (bool, error) {
	a, _ := netip.AddrFromSlice(u.LinkAddress.IP)
	if !u.NewAddr || a.Unmap() != r.Src {
		return false, nil
	}
	if u.Flags&unix.IFA_F_DADFAILED != 0 {
		return true, fmt.Errorf("network namespace %s: route %s (%s): source address %s failed duplicate address detection: another host on the link already uses it",
			n.Name, r, r.Where(), r.Src)
	}
	return u.Flags&unix.IFA_F_TENTATIVE == 0, nil
}
