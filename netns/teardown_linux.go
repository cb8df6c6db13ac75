package netns

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
)

// Teardown removes what vserverx made for namespace NAME: the links
// carrying its alias vserverx:NAME:N inside the namespace and any left on
// the host are deleted, phys devices go back to the host under their
// original names (as recorded in their alias), and then the named namespace
// is deleted (Delete). Links without vserverx's alias are never touched.
// Teardown is idempotent: a missing namespace only has its host leftovers
// cleaned.
//
// Equivalent to: ip -n NAME link del ... ; ip -n NAME link set DEV netns 1
// name ORIG; ip netns del NAME.
func Teardown(dir, name string) error {
	host, err := hostHandle()
	if err != nil {
		return err
	}
	defer host.Close()
	var errs []error
	ns, err := Open(dir, name)
	switch {
	case err == nil:
		errs = append(errs, clearInside(ns, host))
		ns.Close()
	case !errors.Is(err, ErrNotExist) && !errors.Is(err, ErrStale):
		return fmt.Errorf("teardown: %w", err)
	}
	errs = append(errs, clearHost(host, name), Delete(dir, name))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("teardown of network namespace %s: %w", name, err)
	}
	return nil
}

// clearInside deletes vserverx's virtual links in ns and moves its phys
// devices to the host.
func clearInside(ns *NS, host *netlink.Handle) error {
	e, err := newEngine(ns, nil)
	if err != nil {
		return err
	}
	defer e.close()
	links, err := ownLinks(e.in, ns.Name)
	if err != nil {
		return fmt.Errorf("inside: %w", err)
	}
	var errs []error
	var virtual []netlink.Link
	for _, l := range links {
		if l.tag.Phys != nil {
			errs = append(errs, e.moveOut(l))
		} else {
			virtual = append(virtual, l.link)
		}
	}
	errs = append(errs, deleteLinks(ns, e.in, virtual))
	return errors.Join(errs...)
}

// clearHost deletes vserverx's virtual links of namespace name left on the
// host and restores its phys devices there.
func clearHost(host *netlink.Handle, name string) error {
	links, err := ownLinks(host, name)
	if err != nil {
		return fmt.Errorf("host: %w", err)
	}
	var errs []error
	for _, l := range links {
		if l.tag.Phys != nil {
			errs = append(errs, restoreOnHost(host, l))
		} else if err := ignoreGone(host.LinkDel(l.link)); err != nil {
			errs = append(errs, fmt.Errorf("delete host link %s: %w", l.link.Attrs().Name, err))
		}
	}
	return errors.Join(errs...)
}

// LinkStatus is one link of a namespace as `vserverx status` shows it.
type LinkStatus struct {
	Name  string   `json:"name"`
	Type  string   `json:"type"`
	MAC   string   `json:"mac"`
	State string   `json:"state"`
	Alias string   `json:"alias,omitempty"`
	MTU   int      `json:"mtu"`
	Addrs []string `json:"addresses"` // CIDR, IPv4 and IPv6
	Index int      `json:"index"`
}

// Links lists the links of n with their addresses, like `ip -n NAME -br
// addr`. Type is "phys" for a device vserverx moved in; State is "UP" or
// "DOWN" (administrative), followed by the operational state in
// parentheses when it is known and differs.
func Links(n *NS) ([]LinkStatus, error) {
	h, err := n.NewHandle()
	if err != nil {
		return nil, err
	}
	defer h.Close()
	links, err := linkList(h)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: list links: %w", n.Name, err)
	}
	out := make([]LinkStatus, 0, len(links))
	for _, l := range links {
		s, err := linkStatus(h, l)
		if err != nil {
			return nil, fmt.Errorf("network namespace %s: %w", n.Name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// linkStatus describes one link.
func linkStatus(h *netlink.Handle, l netlink.Link) (LinkStatus, error) {
	a := l.Attrs()
	tag, _ := parseAlias(a.Alias)
	s := LinkStatus{Name: a.Name, Type: linkType(l, tag), MAC: a.HardwareAddr.String(),
		State: adminState(l), Alias: a.Alias, MTU: a.MTU, Index: a.Index}
	addrs, err := addrList(h, l, netlink.FAMILY_ALL)
	if err != nil {
		return s, fmt.Errorf("addresses of %s: %w", a.Name, err)
	}
	for _, ad := range addrs {
		s.Addrs = append(s.Addrs, addrPrefix(ad).String())
	}
	return s, nil
}

// adminState is "UP" or "DOWN", with the operational state when it says
// more ("UP (lowerlayerdown)").
func adminState(l netlink.Link) string {
	st := "DOWN"
	if l.Attrs().RawFlags&1 != 0 { // IFF_UP
		st = "UP"
	}
	op := l.Attrs().OperState
	if op != netlink.OperUnknown && op.String() != "up" && op.String() != "down" {
		st += " (" + op.String() + ")"
	} else if st == "UP" && op == netlink.OperDown {
		st += " (no carrier)"
	}
	return st
}
