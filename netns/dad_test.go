// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestDADInterfaces: only interfaces with IPv6 addresses and dad wait are
// waited for.
func TestDADInterfaces(t *testing.T) {
	def := testDef("d",
		config.Interface{Num: 0, Addrs: prefixes(t, "192.0.2.1/24"), DAD: config.DADWait},
		config.Interface{Num: 1, Addrs: prefixes(t, "192.0.2.2/24", "2001:db8::2/64"), DAD: config.DADWait},
		config.Interface{Num: 2, Addrs: prefixes(t, "2001:db8::3/64"), DAD: config.DADOptimistic},
		config.Interface{Num: 3, Addrs: prefixes(t, "2001:db8::4/64"), DAD: config.DADOff})
	got := DADInterfaces(def)
	if len(got) != 1 || got[0].Num != 1 {
		t.Errorf("DADInterfaces = %v, want interface 1 only", got)
	}
}

// dadDef is namespace x with a macvlan on eth0 holding 2001:db8::5/64.
func dadDef(t *testing.T, x string) *config.Namespace {
	return testDef(x, config.Interface{Num: 0, Type: config.TypeMacvlan, Link: "eth0", Name: "lan",
		MAC: mustMAC(t, "02:00:00:00:2c:00"), Addrs: prefixes(t, "192.0.2.5/24", "2001:db8::5/64"), DAD: config.DADWait})
}

// TestWaitDAD: after WaitDAD no address of the interface is tentative, and
// a wait longer than a second says what it waits for.
func TestWaitDAD(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := dadDef(t, "dw")
	ns := setup(t, def)
	if !strings.Contains(nstest.IP(t, "-n", "dw", "-6", "addr", "show", "lan"), "tentative") {
		t.Log("the addresses finished DAD before WaitDAD ran")
	}
	var said []string
	t0 := time.Now()
	warnings, err := WaitDAD(context.Background(), ns, def, func(s string) { said = append(said, s) })
	took := time.Since(t0)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("WaitDAD: %v %v", warnings, err)
	}
	if out := nstest.IP(t, "-n", "dw", "-6", "addr", "show", "lan"); strings.Contains(out, "tentative") || !strings.Contains(out, "2001:db8::5/64") {
		t.Errorf("after WaitDAD:\n%s", out)
	}
	if took > 1200*time.Millisecond && (len(said) != 1 || !strings.Contains(said[0], "waiting for IPv6 duplicate address detection in dw")) {
		t.Errorf("a wait of %s said %q", took, said)
	}
}

// TestWaitDADConflict: a neighbour that holds the address makes WaitDAD
// fail naming the address, the interface and the file.
func TestWaitDADConflict(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	nstest.IP(t, "addr", "add", "2001:db8::5/64", "dev", "eth0p", "nodad")
	def := dadDef(t, "dc")
	ns := setup(t, def)
	_, err := WaitDAD(context.Background(), ns, def, nil)
	want := "network namespace dc, interface lan (" + def.Interfaces[0].Dir + "): 2001:db8::5 (" + def.Interfaces[0].File("ip") + "): another host on the link already uses it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("WaitDAD with a neighbour holding the address: %v\nwant %s", err, want)
	}
}

// TestWaitDADNoCarrier: an interface without carrier is not waited for but
// named in a warning.
func TestWaitDADNoCarrier(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	nstest.IP(t, "link", "set", "eth0p", "down")
	def := dadDef(t, "dn")
	ns := setup(t, def)
	t0 := time.Now()
	warnings, err := WaitDAD(context.Background(), ns, def, nil)
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "lan ("+def.Interfaces[0].Dir+") has no carrier") {
		t.Errorf("WaitDAD without carrier: %q %v", warnings, err)
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("WaitDAD without carrier waited %s", d)
	}
}

// TestWaitDADCancel: WaitDAD returns when its context ends.
func TestWaitDADCancel(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := dadDef(t, "dx")
	ns := setup(t, def)
	stop := errors.New("stop requested")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(stop)
	_, err := WaitDAD(ctx, ns, def, nil)
	if err == nil && !strings.Contains(nstest.IP(t, "-n", "dx", "-6", "addr"), "tentative") {
		t.Skip("DAD finished before WaitDAD looked")
	}
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "while waiting for IPv6 duplicate address detection in dx") {
		t.Errorf("WaitDAD after cancel: %v", err)
	}
}

// TestBindAfterWaitDAD: a daemon stand-in that binds the IPv6 address the
// moment WaitDAD returns succeeds, while a bind to a tentative address
// fails ("Cannot assign requested address") — what a guest's daemon would
// meet without the wait.
func TestBindAfterWaitDAD(t *testing.T) {
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	def := dadDef(t, "db")
	ns := setup(t, def)
	addr := netip.MustParseAddr("2001:db8::5")
	tentative := strings.Contains(nstest.IP(t, "-n", "db", "-6", "addr", "show", "lan"), "tentative")
	if err := bindIn(ns, addr); tentative && !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Errorf("bind to a tentative address: %v, want EADDRNOTAVAIL", err)
	}
	if _, err := WaitDAD(context.Background(), ns, def, nil); err != nil {
		t.Fatal(err)
	}
	if err := bindIn(ns, addr); err != nil {
		t.Errorf("bind after WaitDAD: %v", err)
	}
}

// bindIn binds a TCP socket to addr inside ns and closes it.
func bindIn(ns *NS, addr netip.Addr) error {
	return ns.Do(func() error {
		fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		return unix.Bind(fd, &unix.SockaddrInet6{Addr: addr.As16()})
	})
}
