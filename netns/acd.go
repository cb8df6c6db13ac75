// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"time"

	"github.com/vserverx/vserverx/config"
)

// The IPv4 conflict probe (RFC 5227 address conflict detection) of an
// interface with acd yes: probeCount ARP probes probeGap apart, then
// probeListen more for late replies. The timings are shorter than RFC
// 5227's (three probes one to two seconds apart) so that a start stays
// quick; on a LAN a holder of the address answers within milliseconds.
const (
	probeCount  = 3
	probeGap    = 100 * time.Millisecond
	probeListen = 200 * time.Millisecond
)

// ARP frame layout (Ethernet + ARP for IPv4, RFC 826).
const (
	etherTypeARP = 0x0806
	arpFrameLen  = 14 + 28
	arpRequest   = 1
	arpReply     = 2
)

// heldBack reports whether start adds address p of ifc only after the
// conflict probe: the IPv4 addresses of an interface with acd yes.
func heldBack(ifc *config.Interface, p netip.Prefix) bool {
	return ifc.ACD && p.Addr().Is4()
}

// heldBackGateway reports whether the default route via gw waits for the
// probe too: an IPv4 gateway of an acd interface is reached through the
// addresses held back.
func heldBackGateway(ifc *config.Interface, gw netip.Addr) bool {
	return ifc.ACD && gw.Is4()
}

// arpProbe is the frame of an ARP probe for target from a link with MAC
// mac: a broadcast request whose sender address is 0.0.0.0, so that no
// neighbour learns a binding from it (RFC 5227 section 2.1.1).
func arpProbe(mac net.HardwareAddr, target netip.Addr) []byte {
	f := make([]byte, arpFrameLen)
	copy(f[0:6], broadcastMAC)
	copy(f[6:12], mac)
	binary.BigEndian.PutUint16(f[12:14], etherTypeARP)
	a := f[14:]
	binary.BigEndian.PutUint16(a[0:2], 1)      // hardware type Ethernet
	binary.BigEndian.PutUint16(a[2:4], 0x0800) // protocol IPv4
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:8], arpRequest)
	copy(a[8:14], mac)
	t := target.As4()
	copy(a[24:28], t[:])
	return f
}

var broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// arpSender parses an ARP frame and returns its sender's MAC and IPv4
// address; ok is false for anything else.
func arpSender(f []byte) (mac net.HardwareAddr, ip netip.Addr, ok bool) {
	if len(f) < arpFrameLen || binary.BigEndian.Uint16(f[12:14]) != etherTypeARP {
		return nil, netip.Addr{}, false
	}
	a := f[14:]
	if binary.BigEndian.Uint16(a[2:4]) != 0x0800 || a[4] != 6 || a[5] != 4 {
		return nil, netip.Addr{}, false
	}
	if op := binary.BigEndian.Uint16(a[6:8]); op != arpRequest && op != arpReply {
		return nil, netip.Addr{}, false
	}
	return net.HardwareAddr(bytes.Clone(a[8:14])), netip.AddrFrom4([4]byte(a[14:18])), true
}

// conflicting reports whether an ARP frame from sender (mac, ip) shows
// that another host uses one of targets: it claims the address as its
// sender address and is not this link (RFC 5227 section 2.1.1).
func conflicting(own net.HardwareAddr, mac net.HardwareAddr, ip netip.Addr, targets []netip.Addr) bool {
	if bytes.Equal(mac, own) {
		return false
	}
	for _, t := range targets {
		if t == ip {
			return true
		}
	}
	return false
}
