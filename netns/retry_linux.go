// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"

	"github.com/vishvananda/netlink"
)

// dumpAttempts is how often an interrupted netlink dump is repeated.
const dumpAttempts = 10

// retryDump repeats a netlink dump while the kernel reports that it was
// interrupted by a concurrent change (netlink.ErrDumpInterrupted). Every
// dump in this package goes through it.
func retryDump[T any](dump func() (T, error)) (T, error) {
	var v T
	var err error
	for range dumpAttempts {
		v, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
	}
	return v, err
}

// linkList is h.LinkList with interrupted dumps retried.
func linkList(h *netlink.Handle) ([]netlink.Link, error) {
	return retryDump(h.LinkList)
}

// addrList is h.AddrList with interrupted dumps retried.
func addrList(h *netlink.Handle, l netlink.Link, family int) ([]netlink.Addr, error) {
	return retryDump(func() ([]netlink.Addr, error) { return h.AddrList(l, family) })
}

// routeList is h.RouteList with interrupted dumps retried.
func routeList(h *netlink.Handle, l netlink.Link, family int) ([]netlink.Route, error) {
	return retryDump(func() ([]netlink.Route, error) { return h.RouteList(l, family) })
}
