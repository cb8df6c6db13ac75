// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
)

// ClassicAddr is one address util-vserver's start adds inside the guest's
// network namespace from the guest's interfaces/ directory
// (`ip addr add PREFIX dev DEV`).
type ClassicAddr struct {
	Prefix netip.Prefix // the address with its length (a host prefix when none is configured)
	Dev    string       // the device it goes on
	File   string       // the ip file it comes from
}

// ClassicAddrs lists the addresses util-vserver will add when it starts the
// guest: those of enabled entries without nodev that have a valid address,
// in util-vserver's order.
func (g *Guest) ClassicAddrs() []ClassicAddr {
	var out []ClassicAddr
	for i := range g.Classic {
		if c := &g.Classic[i]; c.AddsAddress() {
			out = append(out, ClassicAddr{Prefix: c.Addr(), Dev: c.Dev, File: c.File(classicKeyIP)})
		}
	}
	return out
}

// CheckClassic returns what goes wrong when util-vserver processes the
// interfaces/ directory of guest g inside its namespace X, whose definition
// is def (members: the guests of X; g may be among them): problems of
// reading g's own classic files; a dev that will not exist in X; a VLAN
// device util-vserver would create on a parent X does not have; indirect
// entries; an address also configured in def (a warning); an address that
// another member of X, or g itself, also configures. Only g's own files
// are named, so that a broken member never makes another one fail.
func CheckClassic(g *Guest, def *Namespace, members []*Guest) Problems {
	ps := append(Problems(nil), g.classicProbs...)
	names := namespaceIfNames(def)
	for i := range g.Classic {
		c := &g.Classic[i]
		if c.Disabled || c.NoDev {
			continue
		}
		ps = append(ps, checkClassicEntry(c, def, names)...)
	}
	ps = append(ps, checkClassicTwiceInDef(g, def)...)
	ps = append(ps, checkClassicCollisions(g, members)...)
	return append(ps, checkClassicTentative(g, def)...)
}

// checkClassicTentative warns about IPv6 addresses of g's interfaces/ on
// an interface of X without dad off: util-vserver adds them after
// vserverx hands over, so nothing waits for their duplicate address
// detection and they are tentative (not bindable) for about a second
// after the guest's init starts.
func checkClassicTentative(g *Guest, def *Namespace) Problems {
	var ps Problems
	for _, a := range g.ClassicAddrs() {
		if !a.Prefix.Addr().Is6() {
			continue
		}
		for _, ifc := range def.Interfaces {
			if ifc.Name == a.Dev && ifc.DAD != DADOff {
				ps = append(ps, Problem{File: ifc.File(KeyDAD), Severity: SeverityWarning, Msg: fmt.Sprintf(
					"%s on %s (%s): IPv6 address from util-vserver's interfaces/ is tentative for about a second after the guest's init starts; "+
						"move it into the namespace definition or set dad off", a.Prefix.Addr(), a.Dev, a.File)})
			}
		}
	}
	return ps
}

// namespaceIfNames lists the names of X's interfaces (vserverx creates or
// moves them in before the guest starts).
func namespaceIfNames(def *Namespace) []string {
	var names []string
	for _, ifc := range def.Interfaces {
		names = append(names, ifc.Name)
	}
	return names
}

// checkClassicEntry checks one enabled entry without nodev.
func checkClassicEntry(c *ClassicInterface, def *Namespace, names []string) Problems {
	if c.Indirect {
		return Problems{{File: filepath.Join(c.Dir, "indirect"), Msg: fmt.Sprintf(
			"util-vserver's indirect path (a dummy device made with modprobe, nameif and iptables) cannot work inside namespace %s; "+
				"remove indirect and name one of the namespace's interfaces (%s) in dev", def.Name, listNames(names))}}
	}
	if base, vid, ok := c.VLANParent(); ok && !hasDevice(names, base) {
		return Problems{vlanDevProblem(c, def, names, base, vid)}
	}
	if c.Tun || c.Dev == "" || hasDevice(names, c.Dev) {
		return nil
	}
	if _, _, ok := c.VLANParent(); ok { // created by util-vserver on a parent that is in X
		return nil
	}
	return Problems{{File: c.File(classicKeyDev), Msg: fmt.Sprintf(
		"device %q will not exist in namespace %s (its interfaces: %s); util-vserver would fail with \"Cannot find device\" "+
			"and start the guest without %s; name one of the namespace's interfaces here, or create %s",
		c.Dev, def.Name, listNames(names), addrText(c), filepath.Join(c.Dir, "disabled"))}}
}

// vlanDevProblem says that util-vserver would create a VLAN device inside X
// on a parent X does not have.
func vlanDevProblem(c *ClassicInterface, def *Namespace, names []string, base, vid string) Problem {
	return Problem{File: c.File("vlandev"), Msg: fmt.Sprintf(
		"makes util-vserver create the VLAN device %q on %q inside namespace %s (ip link add link %s name %s type vlan id %s), "+
			"but %q does not exist there (its interfaces: %s), so the guest would start without %s; "+
			"define the VLAN as a vserverx interface instead (%s/N/type vlan, link %s, vlan %s) and create %s",
		c.Dev, base, def.Name, base, c.Dev, vid, base, listNames(names), addrText(c),
		filepath.Join(def.Dir, NSInterfaces), base, vid, filepath.Join(c.Dir, "novlandev"))}
}

// hasDevice reports whether dev exists in X: one of its interfaces, or lo.
func hasDevice(names []string, dev string) bool {
	return dev == "lo" || slices.Contains(names, dev)
}

func listNames(names []string) string {
	if len(names) == 0 {
		return "none besides lo"
	}
	return strings.Join(names, ", ")
}

// addrText is the address as util-vserver would add it, for messages.
func addrText(c *ClassicInterface) string {
	if !c.IP.IsValid() {
		return "its address"
	}
	return c.Addr().String()
}

// checkClassicTwiceInDef warns about addresses of g's interfaces/ that the
// namespace definition configures too.
func checkClassicTwiceInDef(g *Guest, def *Namespace) Problems {
	var ps Problems
	for _, a := range g.ClassicAddrs() {
		for _, ifc := range def.Interfaces {
			for _, p := range ifc.Addrs {
				if p.Addr() == a.Prefix.Addr() {
					ps = append(ps, twiceInDefWarning(a, &ifc, p))
				}
			}
		}
	}
	return ps
}

func twiceInDefWarning(a ClassicAddr, ifc *Interface, p netip.Prefix) Problem {
	effect := fmt.Sprintf("util-vserver's ip addr add would fail with \"File exists\" (%s is already on %s)", p, ifc.Name)
	if a.Dev != ifc.Name || a.Prefix.Bits() != p.Bits() {
		effect = fmt.Sprintf("the address would be in the namespace twice (%s on %s and %s on %s)", p, ifc.Name, a.Prefix, a.Dev)
	}
	return Problem{File: a.File, Severity: SeverityWarning, Msg: fmt.Sprintf(
		"%s is also configured by vserverx in %s; %s; configure it in one place only", a.Prefix.Addr(), ifc.File(KeyIP), effect)}
}

// checkClassicCollisions reports addresses of g that another member of the
// namespace (or another entry of g) also adds: one namespace holds each
// address once.
func checkClassicCollisions(g *Guest, members []*Guest) Problems {
	var ps Problems
	own := g.ClassicAddrs()
	for i, a := range own {
		for _, b := range own[:i] {
			if a.Prefix.Addr() == b.Prefix.Addr() {
				ps = append(ps, collision(a, b, "is also configured in"))
			}
		}
	}
	for _, m := range members {
		if m == g || m.Name == g.Name {
			continue
		}
		for _, a := range own {
			for _, b := range m.ClassicAddrs() {
				if a.Prefix.Addr() == b.Prefix.Addr() {
					ps = append(ps, collision(a, b, fmt.Sprintf("is also configured by guest %s in", m.Name)))
				}
			}
		}
	}
	return ps
}

func collision(a, b ClassicAddr, what string) Problem {
	return Problem{File: a.File, Msg: fmt.Sprintf(
		"address %s %s %s; both would be added in the same namespace, where an address can be only once (the second ip addr add fails); keep one",
		a.Prefix.Addr(), what, b.File)}
}
