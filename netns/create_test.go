package netns

import (
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns/nstest"
)

// TestCreatedInsideNotMoved: a macvlan's and a veth's inside end are
// created directly in the namespace (no link with a temporary name ever
// appears on the host, which moving it in would need: the kernel makes
// such a move wait for an RCU grace period, ~20 ms per link); the veth's
// host side is made on the host.
func TestCreatedInsideNotMoved(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
	freshDir(t)
	seen := watchHostLinks(t)
	def := testDef("inside",
		config.Interface{Num: 0, Name: "eth0", Type: config.TypeMacvlan, Link: "eth0", Mode: config.ModeBridge, MAC: mustMAC(t, "02:00:00:00:2b:00")},
		config.Interface{Num: 1, Name: "eth1", Type: config.TypeVeth, Host: "vx-inside-1", MAC: mustMAC(t, "02:00:00:00:2b:01"), HostMAC: mustMAC(t, "06:00:00:00:2b:01")})
	ns := setup(t, def)
	out := nstest.IP(t, "-n", ns.Name, "-o", "link", "show")
	mustContain(t, "links inside", out, "eth0@", "eth1@", "02:00:00:00:2b:00", "02:00:00:00:2b:01")
	names := seen()
	reported := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, tempPrefix) && !reported[n] {
			reported[n] = true
			t.Errorf("link %s appeared on the host: it was made there and moved in (host saw %v)", n, names)
		}
	}
	if !contains(names, "vx-inside-1") {
		t.Errorf("the veth's host side vx-inside-1 was not made on the host (host saw %v)", names)
	}
}

// watchHostLinks subscribes to the host's link notifications and returns a
// function that stops and returns the names of the links they named.
func watchHostLinks(t *testing.T) func() []string {
	t.Helper()
	ch, done := make(chan netlink.LinkUpdate, 256), make(chan struct{})
	if err := netlink.LinkSubscribe(ch, done); err != nil {
		t.Fatal(err)
	}
	return func() []string {
		time.Sleep(100 * time.Millisecond) // let the last notifications arrive
		close(done)
		var names []string
		for {
			select {
			case u, ok := <-ch:
				if !ok {
					return names
				}
				if u.Link != nil {
					names = append(names, u.Attrs().Name)
				}
			default:
				return names
			}
		}
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
