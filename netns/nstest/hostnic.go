package nstest

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// ip runs iproute2's ip: the independent witness tests use to look at what
// the kernel holds (IP, Snapshot). It sets nothing up — stand-ins are made
// through netlink — and no production code runs it.
func ip(args ...string) (string, error) {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// IP runs iproute2's ip and fails the test when it fails; it returns the
// output.
func IP(t testing.TB, args ...string) string {
	t.Helper()
	out, err := ip(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// HostNIC creates a veth pair in the sandbox that stands in for a host NIC
// called name (for example "eth0"); its peer is name+"p". Both are UP. The
// pair is deleted when the test ends.
func HostNIC(t testing.TB, name string) {
	t.Helper()
	RequireRoot(t)
	if err := MakeHostNIC(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = deleteLink(name) })
}

// MakeHostNIC creates the veth pair name/name+"p" and sets both UP, through
// netlink (ip link add NAME type veth peer name NAMEp; ip link set ... up).
// On failure nothing is left behind.
func MakeHostNIC(name string) error {
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: name + "p"}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("creating the stand-in host NIC %s (veth, peer %sp): %w", name, name, err)
	}
	for _, n := range []string{name, name + "p"} {
		if err := SetLinkUp(n); err != nil {
			return errors.Join(err, deleteLink(name))
		}
	}
	return nil
}

// SetLinkUp sets the link called name UP (ip link set NAME up).
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

// deleteLink deletes the link called name (ip link del NAME).
func deleteLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err == nil {
		err = netlink.LinkDel(l)
	}
	if err != nil {
		return fmt.Errorf("deleting %s: %w", name, err)
	}
	return nil
}

// errDriverMissing is wrapped by a probe whose link the kernel does not
// support (EOPNOTSUPP: no such driver, built in or loadable).
var errDriverMissing = errors.New("kernel does not support this link type")

// probeParent is the veth the probe hangs vlan/macvlan/ipvlan links on.
const probeParent = "nstestparent0"

// probeDriver creates and deletes a link of the kind a module provides,
// through netlink; it leaves nothing behind.
func probeDriver(module string) error {
	probe, needsParent, err := probeLink(module)
	if err != nil {
		return err
	}
	if needsParent {
		if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: probeParent}, PeerName: "nstestparent1"}); err != nil {
			return fmt.Errorf("creating the probe's parent veth: %w", err)
		}
		defer deleteLink(probeParent)
		parent, err := netlink.LinkByName(probeParent)
		if err != nil {
			return err
		}
		probe.Attrs().ParentIndex = parent.Attrs().Index
	}
	if err := netlink.LinkAdd(probe); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			return fmt.Errorf("creating a %s link: %w: %w", probe.Type(), errDriverMissing, err)
		}
		return fmt.Errorf("creating a %s link: %w", probe.Type(), err)
	}
	return deleteLink(probe.Attrs().Name)
}

// probeLink is the link that proves a module's driver is there, and whether
// it needs a parent device.
func probeLink(module string) (netlink.Link, bool, error) {
	attrs := netlink.LinkAttrs{Name: "nstestprobe0"}
	switch module {
	case "8021q":
		return &netlink.Vlan{LinkAttrs: attrs, VlanId: 2}, true, nil
	case "dummy":
		return &netlink.Dummy{LinkAttrs: attrs}, false, nil
	case "ipvlan":
		return &netlink.IPVlan{LinkAttrs: attrs, Mode: netlink.IPVLAN_MODE_L2}, true, nil
	case "macvlan":
		return &netlink.Macvlan{LinkAttrs: attrs, Mode: netlink.MACVLAN_MODE_BRIDGE}, true, nil
	case "macvtap":
		return &netlink.Macvtap{Macvlan: netlink.Macvlan{LinkAttrs: attrs, Mode: netlink.MACVLAN_MODE_BRIDGE}}, true, nil
	case "veth":
		return &netlink.Veth{LinkAttrs: attrs, PeerName: "nstestprobe1"}, false, nil
	case "bridge":
		return &netlink.Bridge{LinkAttrs: attrs}, false, nil
	}
	return nil, false, fmt.Errorf("nstest: no probe for driver %q", module)
}
