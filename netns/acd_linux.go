// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// ACDInterfaces are the interfaces of def whose IPv4 addresses start
// probes before adding them: acd yes and at least one IPv4 address.
func ACDInterfaces(def *config.Namespace) []*config.Interface {
	var out []*config.Interface
	for i := range def.Interfaces {
		ifc := &def.Interfaces[i]
		if ifc.ACD && slices.ContainsFunc(ifc.Addrs, func(p netip.Prefix) bool { return p.Addr().Is4() }) {
			out = append(out, ifc)
		}
	}
	return out
}

// acdProbe is the probe of one interface: its link in X, the IPv4
// addresses it lacks, and a packet socket bound to it inside X.
type acdProbe struct {
	ifc     *config.Interface
	link    netlink.Link
	targets []netip.Prefix
	fd      int
}

// ProbeIPv4 probes, by ARP (RFC 5227 address conflict detection), every
// IPv4 address that the acd interfaces of def lack in n, all interfaces
// in parallel, and then adds those addresses and their interfaces' IPv4
// default routes (which EnsureInterface held back). An address another
// host answers for makes it refuse, naming the address, the interface,
// the file and the MAC that answered, with nothing added. An interface
// without carrier is not probed: its addresses are added and a warning
// says so. The Undo removes what it added.
//
// Equivalent to: arping -D -c 3 -I IF ADDR, then ip addr add ADDR dev IF
// and ip route add default via GW dev IF proto 73.
func ProbeIPv4(ctx context.Context, n *NS, def *config.Namespace) (Undo, []string, error) {
	e, err := newEngine(n, def)
	if err != nil {
		return NoUndo, nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
	}
	defer e.close()
	probes, warnings, err := e.acdProbes()
	if err != nil {
		return NoUndo, warnings, err
	}
	defer closeProbes(probes)
	if err := runProbes(ctx, n, probes); err != nil {
		return NoUndo, warnings, err
	}
	u, err := e.addProbed()
	return u, warnings, err
}

// acdProbes looks up the acd interfaces' links and the addresses they
// lack, and opens a bound packet socket inside X for each that has any.
func (e *engine) acdProbes() ([]*acdProbe, []string, error) {
	var probes []*acdProbe
	var warnings []string
	for _, ifc := range ACDInterfaces(e.def) {
		p, err := e.acdProbeOf(ifc)
		if err != nil {
			closeProbes(probes)
			return nil, warnings, err
		}
		if p == nil {
			continue
		}
		if p.link.Attrs().RawFlags&unix.IFF_LOWER_UP == 0 {
			warnings = append(warnings, fmt.Sprintf("network namespace %s, interface %s (%s) has no carrier: its IPv4 addresses were added without the conflict probe (acd)", e.ns.Name, ifc.Name, ifc.Dir))
			continue
		}
		if p.fd, err = openARPSocket(e.ns, p.link.Attrs().Index); err != nil {
			closeProbes(probes)
			return nil, warnings, e.ifcErr(ifc, "open an ARP socket for the conflict probe (acd): %w", err)
		}
		probes = append(probes, p)
	}
	return probes, warnings, nil
}

// acdProbeOf is the probe of ifc, nil when its link holds all of its
// IPv4 addresses already. Its socket is not open yet (fd -1).
func (e *engine) acdProbeOf(ifc *config.Interface) (*acdProbe, error) {
	l, err := e.in.LinkByName(ifc.Name)
	if err != nil {
		return nil, e.ifcErr(ifc, "look up %s: %w", ifc.Name, err)
	}
	have, err := addrList(e.in, l, netlink.FAMILY_V4)
	if err != nil {
		return nil, e.ifcErr(ifc, "list addresses: %w", err)
	}
	p := &acdProbe{ifc: ifc, link: l, fd: -1}
	for _, a := range ifc.Addrs {
		if a.Addr().Is4() && !slices.ContainsFunc(have, func(h netlink.Addr) bool { return addrPrefix(h) == a }) {
			p.targets = append(p.targets, a)
		}
	}
	if len(p.targets) == 0 {
		return nil, nil
	}
	return p, nil
}

// openARPSocket opens, inside n, a packet socket for ARP frames bound to
// the link with index idx (a packet socket stays in the namespace it was
// opened in).
func openARPSocket(n *NS, idx int) (int, error) {
	fd := -1
	err := n.Do(func() error {
		var err error
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ARP)))
		if err != nil {
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: idx}); err != nil {
			unix.Close(fd)
			fd = -1
			return err
		}
		return nil
	})
	return fd, err
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func closeProbes(probes []*acdProbe) {
	for _, p := range probes {
		if p.fd >= 0 {
			unix.Close(p.fd)
		}
	}
}

// runProbes probes all interfaces at once and returns the first
// interface's conflict (in definition order), or ctx's error.
func runProbes(ctx context.Context, n *NS, probes []*acdProbe) error {
	errs := make([]error, len(probes))
	done := make(chan struct{})
	for i, p := range probes {
		go func() {
			errs[i] = p.run(ctx, n)
			done <- struct{}{}
		}()
	}
	for range probes {
		<-done
	}
	return errors.Join(errs...)
}

// run sends probeCount probes for each target probeGap apart and listens
// until probeListen after the last one, or until a conflict or ctx ends.
func (p *acdProbe) run(ctx context.Context, n *NS) error {
	start := time.Now()
	end := start.Add((probeCount-1)*probeGap + probeListen)
	for sent := 0; ; {
		if sent < probeCount && !time.Now().Before(start.Add(time.Duration(sent)*probeGap)) {
			if err := p.send(n); err != nil {
				return err
			}
			sent++
		}
		next := end
		if sent < probeCount {
			next = start.Add(time.Duration(sent) * probeGap)
		}
		if err := p.listenUntil(ctx, n, next); err != nil || !time.Now().Before(end) {
			return err
		}
	}
}

// send sends one probe for each target.
func (p *acdProbe) send(n *NS) error {
	mac := p.link.Attrs().HardwareAddr
	to := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: p.link.Attrs().Index, Halen: 6}
	copy(to.Addr[:], broadcastMAC)
	for _, t := range p.targets {
		if err := unix.Sendto(p.fd, arpProbe(mac, t.Addr()), 0, to); err != nil {
			return p.err(n, "send an ARP probe for %s (acd): %w", t.Addr(), err)
		}
	}
	return nil
}

// listenUntil reads ARP frames until deadline and fails on the first that
// shows a conflict.
func (p *acdProbe) listenUntil(ctx context.Context, n *NS, deadline time.Time) error {
	buf := make([]byte, 1500)
	for {
		if ctx.Err() != nil {
			return fmt.Errorf("%w while probing the IPv4 addresses of %s in %s by ARP (acd)", context.Cause(ctx), p.ifc.Name, n.Name)
		}
		wait := min(time.Until(deadline), 50*time.Millisecond)
		if wait <= 0 {
			return nil
		}
		fds := []unix.PollFd{{Fd: int32(p.fd), Events: unix.POLLIN}}
		if k, err := unix.Poll(fds, int(wait/time.Millisecond)+1); err != nil && !errors.Is(err, unix.EINTR) {
			return p.err(n, "wait for ARP replies (acd): %w", err)
		} else if k <= 0 {
			continue
		}
		m, _, err := unix.Recvfrom(p.fd, buf, unix.MSG_DONTWAIT)
		if err != nil {
			continue
		}
		if err := p.check(n, buf[:m]); err != nil {
			return err
		}
	}
}

// check returns the refusal when frame shows another host using a target.
func (p *acdProbe) check(n *NS, frame []byte) error {
	mac, ip, ok := arpSender(frame)
	if !ok || !conflicting(p.link.Attrs().HardwareAddr, mac, ip, targetAddrs(p.targets)) {
		return nil
	}
	for _, t := range p.targets {
		if t.Addr() == ip {
			return AddressInUse(n.Name, p.ifc, t, mac)
		}
	}
	return nil
}

// AddressInUse is the refusal of an IPv4 address that another host on the
// link answered an ARP probe for.
func AddressInUse(x string, ifc *config.Interface, p netip.Prefix, mac net.HardwareAddr) error {
	return fmt.Errorf("network namespace %s: %s on %s (%s): another host on the link already uses it (it answered an ARP probe from %s)",
		x, p.Addr(), ifc.Name, ifc.File(config.KeyIP), mac)
}

func (p *acdProbe) err(n *NS, format string, args ...any) error {
	return fmt.Errorf("network namespace %s, interface %s (%s): %w", n.Name, p.ifc.Name, p.ifc.Dir, fmt.Errorf(format, args...))
}

func targetAddrs(ps []netip.Prefix) []netip.Addr {
	out := make([]netip.Addr, len(ps))
	for i, p := range ps {
		out[i] = p.Addr()
	}
	return out
}

// addProbed adds, after the probe, the IPv4 addresses and default routes
// that configure held back on the acd interfaces.
func (e *engine) addProbed() (Undo, error) {
	e.probed = true
	var steps undoStack
	for _, ifc := range ACDInterfaces(e.def) {
		l, err := e.in.LinkByName(ifc.Name)
		if err != nil {
			return NoUndo, steps.rollback(e.ifcErr(ifc, "look up %s: %w", ifc.Name, err))
		}
		if _, err := e.addAddrs(ifc, l, &steps); err != nil {
			return NoUndo, steps.rollback(err)
		}
		if _, err := e.addRoutes(ifc, l, &steps); err != nil {
			return NoUndo, steps.rollback(err)
		}
	}
	return steps.undo(), nil
}
