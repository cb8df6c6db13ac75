// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestARPProbeFrame: a probe parses back to its sender MAC and 0.0.0.0,
// so a probe of another host never counts as a conflict, while a reply
// from another MAC for a target does.
func TestARPProbeFrame(t *testing.T) {
	own := net.HardwareAddr{2, 0, 0, 0, 0x2d, 0}
	other := net.HardwareAddr{2, 0, 0, 0, 0x2d, 1}
	target := netip.MustParseAddr("192.0.2.6")
	mac, ip, ok := arpSender(arpProbe(other, target))
	if !ok || mac.String() != other.String() || ip != netip.IPv4Unspecified() {
		t.Fatalf("arpSender(probe) = %s %s %v", mac, ip, ok)
	}
	targets := []netip.Addr{target}
	if conflicting(own, mac, ip, targets) {
		t.Error("another host's probe counted as a conflict")
	}
	if !conflicting(own, other, target, targets) || conflicting(own, own, target, targets) {
		t.Error("a reply from another MAC must conflict, one from our own must not")
	}
	if _, _, ok := arpSender(make([]byte, 10)); ok {
		t.Error("a short frame parsed")
	}
}

// acdDef is namespace x with a macvlan on eth0 holding 192.0.2.6/24, acd
// yes, gateway 192.0.2.1.
func acdDef(t *testing.T, x string) *config.Namespace {
	return testDef(x, config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Name: "lan",
		MAC: mustMAC(t, "02:00:00:00:2d:00"), Addrs: prefixes(t, "192.0.2.6/24"),
		Gateways: []netip.Addr{netip.MustParseAddr("192.0.2.1")}, DAD: config.DADWait, ACD: true})
}

// TestProbeIPv4Adds: the interface step holds the address and gateway
// back; ProbeIPv4 adds both when nobody answers, and its Undo removes them.
func TestProbeIPv4Adds(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := acdDef(t, "aa")
	ns := setup(t, def)
	if out := nstest.IP(t, "-n", "aa", "-4", "addr", "show", "lan"); strings.Contains(out, "192.0.2.6") {
		t.Fatalf("address added before the probe:\n%s", out)
	}
	t0 := time.Now()
	undo, warnings, err := ProbeIPv4(context.Background(), ns, def)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("ProbeIPv4: %v %v", warnings, err)
	}
	if d := time.Since(t0); d < (probeCount-1)*probeGap {
		t.Errorf("ProbeIPv4 took %s: it cannot have probed", d)
	}
	if out := nstest.IP(t, "-n", "aa", "-4", "addr", "show", "lan"); !strings.Contains(out, "192.0.2.6/24") {
		t.Errorf("address not added after the probe:\n%s", out)
	}
	if out := nstest.IP(t, "-n", "aa", "-4", "route"); !strings.Contains(out, "default via 192.0.2.1") {
		t.Errorf("gateway not added after the probe:\n%s", out)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if out := nstest.IP(t, "-n", "aa", "-4", "addr", "show", "lan"); strings.Contains(out, "192.0.2.6") {
		t.Errorf("undo left the address:\n%s", out)
	}
}

// TestProbeIPv4Conflict: a neighbour holding the address answers the
// probe; ProbeIPv4 refuses naming address, interface, file and the MAC,
// and adds nothing.
func TestProbeIPv4Conflict(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	nstest.IP(t, "addr", "add", "192.0.2.6/24", "dev", "eth0p")
	peer, err := net.InterfaceByName("eth0p")
	if err != nil {
		t.Fatal(err)
	}
	def := acdDef(t, "ac")
	ns := setup(t, def)
	before := nstest.IP(t, "-n", "ac", "-o", "addr")
	_, _, err = ProbeIPv4(context.Background(), ns, def)
	want := "192.0.2.6 on lan (" + def.Interfaces[0].File("ip") + "): another host on the link already uses it (it answered an ARP probe from " + peer.HardwareAddr.String() + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("ProbeIPv4 with a neighbour holding the address: %v\nwant %s", err, want)
	}
	if after := nstest.IP(t, "-n", "ac", "-o", "addr"); after != before {
		t.Errorf("a refused probe changed the addresses:\n%s\nwas\n%s", after, before)
	}
}

// TestProbeIPv4NoCarrier: without carrier the addresses are added
// unprobed, with a warning.
func TestProbeIPv4NoCarrier(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	nstest.IP(t, "link", "set", "eth0p", "down")
	def := acdDef(t, "an")
	ns := setup(t, def)
	_, warnings, err := ProbeIPv4(context.Background(), ns, def)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "lan ("+def.Interfaces[0].Dir+") has no carrier") {
		t.Errorf("ProbeIPv4 without carrier: %q %v", warnings, err)
	}
	if out := nstest.IP(t, "-n", "an", "-4", "addr", "show", "lan"); !strings.Contains(out, "192.0.2.6/24") {
		t.Errorf("address not added:\n%s", out)
	}
}

// TestProbeIPv4Cancel: ProbeIPv4 returns when its context ends, says what
// it was doing, and adds nothing.
func TestProbeIPv4Cancel(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := acdDef(t, "ax")
	ns := setup(t, def)
	stop := errors.New("stop requested")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(stop)
	_, _, err := ProbeIPv4(ctx, ns, def)
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "while probing the IPv4 addresses of lan in ax by ARP (acd)") {
		t.Errorf("ProbeIPv4 after cancel: %v", err)
	}
	if out := nstest.IP(t, "-n", "ax", "-4", "addr", "show", "lan"); strings.Contains(out, "192.0.2.6") {
		t.Errorf("a cancelled probe added the address:\n%s", out)
	}
}

// TestProbeIPv4SkipsComplete: an acd interface that holds its addresses
// already is not probed, and does not disturb the probe of another.
func TestProbeIPv4SkipsComplete(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := acdDef(t, "as")
	second := def.Interfaces[0]
	second.Num, second.Name, second.MAC = 1, "lan2", mustMAC(t, "02:00:00:00:2d:01")
	second.Addrs, second.Gateways = prefixes(t, "192.0.2.7/24"), nil
	def.Interfaces = append(def.Interfaces, second)
	ns := setup(t, def)
	nstest.IP(t, "-n", "as", "addr", "add", "192.0.2.7/24", "dev", "lan2")
	if _, _, err := ProbeIPv4(context.Background(), ns, def); err != nil {
		t.Fatalf("ProbeIPv4: %v", err)
	}
	if out := nstest.IP(t, "-n", "as", "-4", "addr", "show", "lan"); !strings.Contains(out, "192.0.2.6/24") {
		t.Errorf("lan lacks its address:\n%s", out)
	}
}
