// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// linkPlace is a network namespace vserverx removes its links from: inside
// X, or the host. It is the one place that decides how a link of
// vserverx's is removed (remove) and the only code that deletes links.
type linkPlace struct {
	h      *netlink.Handle                 // netlink handle in that namespace
	open   func() (*netlink.Handle, error) // opens another handle there (parallel deletes)
	host   *netlink.Handle                 // handle on the host (h itself on the host)
	hostFd int                             // inside X: the host's namespace file; -1 on the host
	// delGroup deletes every link of a link group there with one request;
	// nil on the host, where links of several namespaces may be left over.
	delGroup func(group uint32) error
}

// LinkGroup is the link group (IFLA_GROUP) of every vlan, macvlan and veth
// vserverx creates inside a namespace (not a veth's host side, not a phys
// device), so that teardown deletes them all with one request: the kernel
// then waits for one RCU grace period instead of one per link. 30328 is
// 0x7678, "vx".
//
// Equivalent to: ip link add ... group 30328; ip -n X link del group 30328.
const LinkGroup = 30328

// hostPlace is the host, reached through h.
func hostPlace(h *netlink.Handle) linkPlace {
	return linkPlace{h: h, open: hostHandle, host: h, hostFd: -1}
}

// inside is X as the engine reaches it.
func (e *engine) inside() linkPlace {
	ns := e.ns
	return linkPlace{h: e.in, open: ns.NewHandle, host: e.host, hostFd: e.hostFd,
		delGroup: func(group uint32) error { return deleteGroup(ns, group) }}
}

// onHost is the host as the engine reaches it.
func (e *engine) onHost() linkPlace { return hostPlace(e.host) }

// remove removes vserverx's links ls, all found in p. A phys device goes
// back to the host under its original name: found in X, it moves to the
// host under a temporary name (its name in X may be taken there); found on
// the host, it gets its original name, MTU, MAC, alias and UP state back.
// Every other link is deleted after that: inside X, the links in
// vserverx's link group with one request when they are all of X's links in
// that group (deleteGrouped); the rest (links an older vserverx made
// without the group, leftovers on the host), several at once (deleteLinks).
// So a phys device taken out of X is restored once the host, too, is
// cleared.
//
// Equivalent to: ip -n X link del group 30328, ip [-n X] link del DEV, or
// ip -n X link set DEV netns 1 name TMP, or ip link set TMP name ORIG mtu
// MTU address MAC alias OLD up.
func (p linkPlace) remove(ls []ownLink) error {
	var errs []error
	var others []netlink.Link
	for _, l := range ls {
		if l.tag.Phys != nil {
			errs = append(errs, p.giveBack(l))
		} else {
			others = append(others, l.link)
		}
	}
	others = p.deleteGrouped(others)
	return errors.Join(append(errs, deleteLinks(p.h, p.open, others))...)
}

// deleteGrouped deletes, with one request, the links of ls that are in
// vserverx's link group, when p can (inside X), at least two of them are,
// and they are all the links of the group there (so nothing else goes,
// e.g. when the undo of a start removes only what it created). It returns
// the links left to delete one by one: all of ls when it did nothing or
// the request failed (they are then deleted one by one, which reports
// their own errors).
func (p linkPlace) deleteGrouped(ls []netlink.Link) []netlink.Link {
	var grouped, rest []netlink.Link
	for _, l := range ls {
		if l.Attrs().Group == LinkGroup {
			grouped = append(grouped, l)
		} else {
			rest = append(rest, l)
		}
	}
	if p.delGroup == nil || len(grouped) < 2 || !p.wholeGroup(len(grouped)) {
		return ls
	}
	if err := p.delGroup(LinkGroup); err != nil {
		return ls
	}
	return rest
}

// wholeGroup reports whether the namespace holds exactly n links in
// vserverx's link group.
func (p linkPlace) wholeGroup(n int) bool {
	links, err := linkList(p.h)
	if err != nil {
		return false
	}
	in := 0
	for _, l := range links {
		if l.Attrs().Group == LinkGroup {
			in++
		}
	}
	return in == n
}

// deleteGroup deletes every link of link group group in ns with one
// RTM_DELLINK carrying IFLA_GROUP (netlink has no call for it). A group
// without links is fine.
//
// Equivalent to: ip -n NAME link del group GROUP.
func deleteGroup(ns *NS, group uint32) error {
	if ns == nil || ns.fd < 0 {
		return errNotOpen
	}
	s, err := nl.GetNetlinkSocketAt(vnetns.NsHandle(ns.fd), vnetns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("netlink socket in network namespace %s: %w", ns.Name, err)
	}
	defer s.Close()
	req := &nl.NetlinkRequest{
		NlMsghdr: unix.NlMsghdr{Len: unix.SizeofNlMsghdr, Type: unix.RTM_DELLINK, Flags: unix.NLM_F_REQUEST | unix.NLM_F_ACK},
		Sockets:  map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: s}},
	}
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_GROUP, nl.Uint32Attr(group)))
	if _, err := req.Execute(unix.NETLINK_ROUTE, 0); ignoreGone(err) != nil {
		return fmt.Errorf("network namespace %s: delete the links of group %d: %w", ns.Name, group, err)
	}
	return nil
}

// giveBack moves a phys device from X to the host, or restores it on the
// host.
func (p linkPlace) giveBack(l ownLink) error {
	if p.hostFd < 0 {
		return restoreOnHost(p.h, l)
	}
	return moveOut(p.h, p.host, p.hostFd, l)
}

// deleteLinks deletes links (missing ones are fine). One link is deleted
// through h; several are deleted concurrently, each through its own netlink
// socket from open: the kernel makes every RTM_DELLINK wait for an RCU
// barrier (about 20 ms) after it has released the rtnl lock, and waits that
// overlap share barriers, so K links cost about two barriers instead of K.
//
// Equivalent to: ip [-n NAME] link del DEV, for each link, in parallel.
func deleteLinks(h *netlink.Handle, open func() (*netlink.Handle, error), links []netlink.Link) error {
	if len(links) == 1 {
		return deleteLink(h, links[0])
	}
	errs := make([]error, len(links))
	var wg sync.WaitGroup
	for i, l := range links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own, err := open()
			if err != nil {
				errs[i] = fmt.Errorf("delete link %s: %w", l.Attrs().Name, err)
				return
			}
			defer own.Close()
			errs[i] = deleteLink(own, l)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// deleteLink deletes l through h; a link that is already gone is fine. It
// also serves a link that does not carry vserverx's alias yet (under its
// temporary name, right after creation).
//
// Equivalent to: ip [-n NAME] link del DEV.
func deleteLink(h *netlink.Handle, l netlink.Link) error {
	if err := ignoreGone(h.LinkDel(l)); err != nil {
		return fmt.Errorf("delete link %s: %w", l.Attrs().Name, err)
	}
	return nil
}

// removeOne removes l (linkPlace.remove); nil is nothing to remove.
func (p linkPlace) removeOne(l *ownLink) error {
	if l == nil {
		return nil
	}
	return p.remove([]ownLink{*l})
}
