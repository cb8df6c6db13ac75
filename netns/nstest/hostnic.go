package nstest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// ip runs iproute2's ip, the independent witness tests use to set up
// stand-ins and to look at what the kernel holds. Production code never
// runs it.
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
	IP(t, "link", "add", name, "type", "veth", "peer", "name", name+"p")
	t.Cleanup(func() { _, _ = ip("link", "del", name) })
	IP(t, "link", "set", name, "up")
	IP(t, "link", "set", name+"p", "up")
}

// probeDriver creates and deletes a link of the kind a module provides.
func probeDriver(module string) error {
	const probe = "nstestprobe0"
	var args []string
	switch module {
	case "8021q":
		if _, err := ip("link", "add", "nstestparent0", "type", "veth", "peer", "name", "nstestparent1"); err != nil {
			return err
		}
		defer ip("link", "del", "nstestparent0")
		args = []string{"link", "add", "link", "nstestparent0", "name", probe, "type", "vlan", "id", "2"}
	case "dummy":
		args = []string{"link", "add", probe, "type", "dummy"}
	case "ipvlan", "macvlan", "macvtap":
		if _, err := ip("link", "add", "nstestparent0", "type", "veth", "peer", "name", "nstestparent1"); err != nil {
			return err
		}
		defer ip("link", "del", "nstestparent0")
		args = []string{"link", "add", "link", "nstestparent0", "name", probe, "type", module}
	default:
		args = []string{"link", "add", probe, "type", module}
	}
	if _, err := ip(args...); err != nil {
		return err
	}
	_, err := ip("link", "del", probe)
	return err
}
