// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package nstest

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// SendRA plays an IPv6 router on device dev of the current network
// namespace: it sends, to all nodes (ff02::1), three router advertisements
// 300 ms apart with a router lifetime of 1800 s and one prefix
// information option for prefix (on-link and autonomous, valid 3600 s,
// preferred 1800 s). A host that accepts them autoconfigures an address in
// prefix and a default route via dev's link-local address. dev must be UP;
// SendRA first waits until its link-local address has finished DAD (a
// router advertisement must come from a link-local source).
func SendRA(t testing.TB, dev string, prefix netip.Prefix) {
	t.Helper()
	ifi, err := net.InterfaceByName(dev)
	if err != nil {
		t.Fatal(err)
	}
	src := waitLinkLocal(t, dev)
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMPV6)
	if err != nil {
		t.Fatalf("SendRA: raw ICMPv6 socket: %v", err)
	}
	defer unix.Close(fd)
	for _, o := range []int{unix.IPV6_MULTICAST_HOPS, unix.IPV6_UNICAST_HOPS} {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, o, 255); err != nil {
			t.Fatalf("SendRA: hop limit: %v", err)
		}
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifi.Index); err != nil {
		t.Fatalf("SendRA: multicast interface: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet6{Addr: src.As16(), ZoneId: uint32(ifi.Index)}); err != nil {
		t.Fatalf("SendRA: bind %s%%%s: %v", src, dev, err)
	}
	to := &unix.SockaddrInet6{Addr: netip.MustParseAddr("ff02::1").As16(), ZoneId: uint32(ifi.Index)}
	for i := 0; i < 3; i++ {
		if err := unix.Sendto(fd, routerAdvertisement(prefix), 0, to); err != nil {
			t.Fatalf("SendRA: send on %s: %v", dev, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// routerAdvertisement is an ICMPv6 router advertisement (RFC 4861 section
// 4.2) with one prefix information option; the kernel fills the checksum.
func routerAdvertisement(prefix netip.Prefix) []byte {
	b := make([]byte, 16+32)
	b[0] = 134 // router advertisement
	b[4] = 64  // current hop limit
	binary.BigEndian.PutUint16(b[6:8], 1800)
	o := b[16:]
	o[0], o[1] = 3, 4 // prefix information, 4 × 8 bytes
	o[2] = byte(prefix.Bits())
	o[3] = 0xc0 // on-link, autonomous
	binary.BigEndian.PutUint32(o[4:8], 3600)
	binary.BigEndian.PutUint32(o[8:12], 1800)
	a := prefix.Masked().Addr().As16()
	copy(o[16:32], a[:])
	return b
}

// waitLinkLocal waits up to 5 s until dev has a link-local address that
// is not tentative and returns it.
func waitLinkLocal(t testing.TB, dev string) netip.Addr {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out := IP(t, "-6", "-o", "addr", "show", "dev", dev, "scope", "link")
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) > 3 && f[2] == "inet6" && !strings.Contains(line, "tentative") {
				if p, err := netip.ParsePrefix(f[3]); err == nil {
					return p.Addr()
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("SendRA: %s has no usable link-local address:\n%s", dev, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
