// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package sandbox

import (
	"errors"
	"fmt"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Prepare gives a fresh sandbox (a new network and mount namespace) its own
// /run (a tmpfs, so /run/netns and /run/vserverx are the sandbox's) and
// /sys (a sysfs that shows the sandbox's links), and sets lo UP.
//
// Equivalent to: mount -t tmpfs tmpfs /run; mount -t sysfs sysfs /sys; ip
// link set lo up.
func Prepare() error {
	if err := unix.Mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on /run: %w", err)
	}
	if err := unix.Mount("sysfs", "/sys", "sysfs", 0, ""); err != nil {
		return fmt.Errorf("mount sysfs on /sys: %w", err)
	}
	return SetLinkUp("lo")
}

// MakeHostNIC creates the veth pair name/name+"p" that stands in for a host
// NIC called name, sets both UP and waits until name's operational state
// is UP, as a real NIC is once the host has booted (the kernel settles a
// new carrier asynchronously; a snapshot taken before would differ from
// one taken after). On failure nothing is left behind.
//
// Equivalent to: ip link add NAME type veth peer name NAMEp; ip link set
// NAME up; ip link set NAMEp up.
func MakeHostNIC(name string) error {
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: name + "p"}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("creating the stand-in host NIC %s (veth, peer %sp): %w", name, name, err)
	}
	for _, n := range []string{name, name + "p"} {
		if err := SetLinkUp(n); err != nil {
			return errors.Join(err, DeleteLink(name))
		}
	}
	if err := waitOperUp(name, 5*time.Second); err != nil {
		return errors.Join(err, DeleteLink(name))
	}
	return nil
}

// waitOperUp waits until the link called name reports operational state
// UP, for at most limit. (Test support: a short poll is enough here.)
func waitOperUp(name string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		l, err := netlink.LinkByName(name)
		if err != nil {
			return fmt.Errorf("waiting for %s to come up: %w", name, err)
		}
		if l.Attrs().OperState == netlink.OperUp {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stand-in host NIC %s: operational state %s after %v, want up", name, l.Attrs().OperState, limit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// SetLinkUp sets the link called name UP.
//
// Equivalent to: ip link set NAME up.
func SetLinkUp(name string) error {
	l, err := netlink.LinkByName(name)
	if err == nil {
		err = netlink.LinkSetUp(l)
	}
	if err != nil {
		return fmt.Errorf("setting %s up: %w", name, err)
	}
	return nil
}

// DeleteLink deletes the stand-in link called name (and a veth's peer with
// it). It is for stand-ins only: vserverx deletes links in package netns.
//
// Equivalent to: ip link del NAME.
func DeleteLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err == nil {
		err = netlink.LinkDel(l)
	}
	if err != nil {
		return fmt.Errorf("deleting %s: %w", name, err)
	}
	return nil
}
