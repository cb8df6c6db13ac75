// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// dadMargin is added to what an interface's own DAD settings need.
const dadMargin = time.Second

// dadProgressAfter is how long WaitDAD waits before it says what it waits
// for.
const dadProgressAfter = time.Second

// dadLink is an interface whose IPv6 addresses WaitDAD waits for.
type dadLink struct {
	ifc   *config.Interface
	index int           // in X
	bound time.Duration // what its DAD settings need, with the margin
}

// dadAddr is an IPv6 address of a dadLink, as the kernel last reported it.
type dadAddr struct {
	link  *dadLink
	addr  netip.Addr
	flags int
}

// WaitDAD waits until every IPv6 address on the interfaces of def that
// configure IPv6 addresses and have dad wait (the default) has finished
// duplicate address detection, link-local included: one wait for the
// whole namespace. Interfaces with IPv4 addresses only are not waited for
// (so IPv4-only starts do not get slower); neither are dad optimistic or
// off ones. The wait is bounded by what each interface's own settings need
// (router_solicitation_delay + dad_transmits x retrans_time_ms) plus a
// second; progress, when not nil, is called once with what is still
// awaited when the wait takes longer than a second. An address that fails
// DAD is an error naming it, its interface and its file. An interface
// without carrier is not waited for (its addresses stay tentative until
// it has one): it is returned as a warning.
//
// Equivalent to: waiting until ip -n X -6 addr show lists no tentative
// address on these interfaces.
func WaitDAD(ctx context.Context, n *NS, def *config.Namespace, progress func(string)) (warnings []string, err error) {
	ifcs := DADInterfaces(def)
	if len(ifcs) == 0 {
		return nil, nil
	}
	h, err := n.NewHandle()
	if err != nil {
		return nil, err
	}
	defer h.Close()
	links, warnings, err := dadLinks(n, h, ifcs)
	if err != nil || len(links) == 0 {
		return warnings, err
	}
	w := &dadWatch{n: n, links: links}
	if err := w.list(h); err != nil || len(w.pending()) == 0 {
		return warnings, err
	}
	return warnings, w.watch(ctx, progress)
}

// DADInterfaces are the interfaces of def whose IPv6 addresses WaitDAD
// waits for: those with dad wait and an IPv6 address configured.
func DADInterfaces(def *config.Namespace) []*config.Interface {
	var out []*config.Interface
	for i := range def.Interfaces {
		ifc := &def.Interfaces[i]
		if ifc.DAD == config.DADWait && slices.ContainsFunc(ifc.Addrs, func(p netip.Prefix) bool { return p.Addr().Is6() }) {
			out = append(out, ifc)
		}
	}
	return out
}

// dadLinks looks the interfaces up in X and reads their DAD bounds; an
// interface without carrier is left out with a warning.
func dadLinks(n *NS, h *netlink.Handle, ifcs []*config.Interface) ([]*dadLink, []string, error) {
	var links []*dadLink
	var warnings []string
	for _, ifc := range ifcs {
		l, err := h.LinkByName(ifc.Name)
		if err != nil {
			return nil, warnings, dadErr(n, ifc, "look up %s: %w", ifc.Name, err)
		}
		if l.Attrs().RawFlags&unix.IFF_LOWER_UP == 0 {
			warnings = append(warnings, fmt.Sprintf("network namespace %s: %s (%s) has no carrier: its IPv6 addresses stay tentative (duplicate address detection waits) until it has one",
				n.Name, ifc.Name, ifc.Dir))
			continue
		}
		links = append(links, &dadLink{ifc: ifc, index: l.Attrs().Index})
	}
	err := n.Do(func() error {
		for _, dl := range links {
			dl.bound = dadBound(dl.ifc.Name)
		}
		return nil
	})
	return links, warnings, err
}

// dadBound is how long DAD on interface name can take by its own settings
// (read on a thread in X), plus dadMargin: the kernel's random delay of up
// to router_solicitation_delay seconds, then dad_transmits probes
// retrans_time_ms apart. Unreadable values count as the kernel's defaults
// (1 s, 1 probe, 1000 ms).
func dadBound(name string) time.Duration {
	delay := readIntFile("/proc/sys/net/ipv6/conf/"+name+"/router_solicitation_delay", 1)
	probes := readIntFile("/proc/sys/net/ipv6/conf/"+name+"/dad_transmits", 1)
	retrans := readIntFile("/proc/sys/net/ipv6/neigh/"+name+"/retrans_time_ms", 1000)
	return time.Duration(delay)*time.Second + time.Duration(probes*retrans)*time.Millisecond + dadMargin
}

// readIntFile reads a number from a sysctl file, def when it cannot.
func readIntFile(path string, def int) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return def
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || v < 0 {
		return def
	}
	return v
}

// list reads the IPv6 addresses of w's links once into w.state; one that
// failed DAD is the error.
func (w *dadWatch) list(h *netlink.Handle) error {
	w.state = map[dadKey]dadAddr{}
	for _, dl := range w.links {
		addrs, err := retryDump(func() ([]netlink.Addr, error) {
			return h.AddrList(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: dl.index}}, netlink.FAMILY_V6)
		})
		if err != nil {
			return dadErr(w.n, dl.ifc, "list addresses: %w", err)
		}
		for _, a := range addrs {
			da := dadAddr{link: dl, addr: addrPrefix(a).Addr(), flags: a.Flags}
			if err := da.failed(w.n); err != nil {
				return err
			}
			w.state[dadKey{dl.index, da.addr}] = da
		}
	}
	return nil
}

func (a dadAddr) tentative() bool { return a.flags&unix.IFA_F_TENTATIVE != 0 }

// failed is the error of an address that failed DAD, nil otherwise.
func (a dadAddr) failed(n *NS) error {
	if a.flags&unix.IFA_F_DADFAILED == 0 {
		return nil
	}
	ifc := a.link.ifc
	if a.addr.IsLinkLocalUnicast() {
		return dadErr(n, ifc, "the link-local address %s (made from the MAC, %s): another host on the link already uses it (duplicate address detection failed)", a.addr, ifc.File(config.KeyMAC))
	}
	return dadErr(n, ifc, "%s (%s): another host on the link already uses it (duplicate address detection failed)", a.addr, ifc.File(config.KeyIP))
}

// dadErr is an error about interface ifc of X.
func dadErr(n *NS, ifc *config.Interface, format string, args ...any) error {
	return fmt.Errorf("network namespace %s, interface %s (%s): %w", n.Name, ifc.Name, ifc.Dir, fmt.Errorf(format, args...))
}

// watch follows X's address events from the state list read (the
// subscription reports the existing addresses first, so that nothing
// between the list and the subscription is missed) until no address of
// w's links is tentative, one fails, ctx ends or the bound passes.
func (w *dadWatch) watch(ctx context.Context, progress func(string)) error {
	n := w.n
	updates, done := make(chan netlink.AddrUpdate), make(chan struct{})
	defer close(done)
	h := vnetns.NsHandle(n.fd)
	if err := netlink.AddrSubscribeWithOptions(updates, done, netlink.AddrSubscribeOptions{Namespace: &h, ListExisting: true}); err != nil {
		return fmt.Errorf("network namespace %s: watch addresses for duplicate address detection: %w", n.Name, err)
	}
	limit := maxBound(w.links)
	bound := time.NewTimer(limit)
	defer bound.Stop()
	tell := time.NewTimer(dadProgressAfter)
	defer tell.Stop()
	for {
		select {
		case u, ok := <-updates:
			if !ok {
				return fmt.Errorf("network namespace %s: watching addresses for duplicate address detection ended", n.Name)
			}
			if err := w.update(u); err != nil || len(w.pending()) == 0 {
				return err
			}
		case <-tell.C:
			if progress != nil {
				progress(fmt.Sprintf("waiting for IPv6 duplicate address detection in %s (up to %s): %s", n.Name, limit, w.pendingText()))
			}
		case <-bound.C:
			return fmt.Errorf("network namespace %s: IPv6 addresses still tentative (duplicate address detection) after %s: %s", n.Name, limit, w.pendingText())
		case <-ctx.Done():
			return fmt.Errorf("%w while waiting for IPv6 duplicate address detection in %s", context.Cause(ctx), n.Name)
		}
	}
}

// maxBound is the longest bound of links.
func maxBound(links []*dadLink) time.Duration {
	var b time.Duration
	for _, dl := range links {
		b = max(b, dl.bound)
	}
	return b
}

// dadKey names an address of a link.
type dadKey struct {
	index int
	addr  netip.Addr
}

// dadWatch is the state watchDAD builds from the address events.
type dadWatch struct {
	n     *NS
	links []*dadLink
	state map[dadKey]dadAddr
}

// update applies one event; an address that failed is the error.
func (w *dadWatch) update(u netlink.AddrUpdate) error {
	dl := w.link(u.LinkIndex)
	a, _ := netip.AddrFromSlice(u.LinkAddress.IP)
	if dl == nil || !a.Is6() || a.Is4In6() {
		return nil
	}
	k := dadKey{dl.index, a}
	if !u.NewAddr {
		delete(w.state, k)
		return nil
	}
	da := dadAddr{link: dl, addr: a, flags: u.Flags}
	w.state[k] = da
	return da.failed(w.n)
}

func (w *dadWatch) link(index int) *dadLink {
	for _, dl := range w.links {
		if dl.index == index {
			return dl
		}
	}
	return nil
}

// pending are the addresses still tentative.
func (w *dadWatch) pending() []dadAddr {
	var out []dadAddr
	for _, a := range w.state {
		if a.tentative() {
			out = append(out, a)
		}
	}
	return out
}

// pendingText names the tentative addresses, "ADDR on IFNAME", sorted.
func (w *dadWatch) pendingText() string {
	var s []string
	for _, a := range w.pending() {
		s = append(s, a.addr.String()+" on "+a.link.ifc.Name)
	}
	slices.Sort(s)
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
