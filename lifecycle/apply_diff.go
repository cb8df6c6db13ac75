// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// applyStep is one change `apply` makes: a step inside the namespace, and
// whether it deletes and creates an interface again (refused without
// --recreate).
type applyStep struct {
	insideStep
	recreate bool
	num      int               // recreate: the interface
	why      []string          // recreate: what differs
	dad      *config.Interface // the interface whose IPv6 addresses the step (re)starts duplicate address detection on
}

// held is what namespace X holds of vserverx's, as apply compares it with
// the definition: its links of X and the current values of the sysctls
// the definition sets.
type held struct {
	links   []netns.ObservedLink
	sysctls map[string]string
	routing netns.Routing // every route and rule of X (vserverx's carry netns.RouteProtocol)
}

// differ computes the steps that make X as its definition says. It is pure:
// it reads the definition, the group's members (whose util-vserver
// interfaces/ claim addresses) and what X holds, and changes nothing.
type differ struct {
	env     *Env
	def     *config.Namespace
	members []*config.Guest
	held    held
}

// steps lists the changes, in the order they run: interfaces no longer
// defined are removed first (their names may be taken by new ones), then
// each defined interface is recreated, cleared of what is no longer
// defined, created or repaired, and the sysctls are set last.
func (d differ) steps() []applyStep {
	var out []applyStep
	for _, o := range d.held.links {
		if d.defined(o.Num) == nil {
			out = append(out, d.removeStep(o))
		}
	}
	for i := range d.def.Interfaces {
		out = append(out, d.interfaceSteps(&d.def.Interfaces[i])...)
	}
	out = append(out, d.routingSteps()...)
	if s, ok := d.sysctlStep(); ok {
		out = append(out, s)
	}
	return out
}

// defined returns interface num of the definition, or nil.
func (d differ) defined(num int) *config.Interface {
	for i := range d.def.Interfaces {
		if d.def.Interfaces[i].Num == num {
			return &d.def.Interfaces[i]
		}
	}
	return nil
}

// observed returns X's link num, or nil.
func (d differ) observed(num int) *netns.ObservedLink {
	for i := range d.held.links {
		if d.held.links[i].Num == num {
			return &d.held.links[i]
		}
	}
	return nil
}

// removeStep removes link o, whose interface is no longer defined.
func (d differ) removeStep(o netns.ObservedLink) applyStep {
	details := []string{fmt.Sprintf("connections on %s break; the guests lose its addresses", o.Name)}
	switch o.Type {
	case config.TypePhys:
		details = append(details, fmt.Sprintf("move it back to the host under its original name %s", o.PhysOrig))
	case config.TypeVeth:
		details = append(details, fmt.Sprintf("delete it; its host side %s goes with it", o.Host))
	default:
		details = append(details, "delete it")
	}
	return applyStep{insideStep: insideStep{
		Step: Step{
			Title:   fmt.Sprintf("remove interface %d (%s, %s): %s no longer exists", o.Num, o.Name, o.Type, d.ifcDir(o.Num)),
			Details: details,
		},
		do: func(_ context.Context, ns *netns.NS) (netns.Undo, error) { return netns.RemoveInterface(ns, d.def, o) },
	}}
}

// ifcDir is the directory interface num is (or was) defined in.
func (d differ) ifcDir(num int) string {
	return fmt.Sprintf("%s/%s/%d", d.def.Dir, config.NSInterfaces, num)
}

// interfaceSteps are the changes of one defined interface.
func (d differ) interfaceSteps(ifc *config.Interface) []applyStep {
	o := d.observed(ifc.Num)
	if o == nil {
		return []applyStep{d.createStep(ifc)}
	}
	if why := recreateReasons(d.def, ifc, o); len(why) > 0 {
		return []applyStep{d.recreateStep(ifc, o, why)}
	}
	var out []applyStep
	for _, a := range d.extraAddrs(ifc, o) {
		out = append(out, d.removeAddrStep(ifc, o, a))
	}
	for _, r := range d.extraDefaults(ifc, o) {
		out = append(out, d.removeRouteStep(ifc, o, r))
	}
	if fixes := repairs(ifc, o); len(fixes) > 0 {
		out = append(out, d.repairStep(ifc, o, fixes))
	}
	return out
}

// createStep creates a missing interface, as start does.
func (d differ) createStep(ifc *config.Interface) applyStep {
	s := d.env.interfaceStep(d.def, ifc)
	s.Title = fmt.Sprintf("create interface %d (%s): %s", ifc.Num, ifc.Dir, describeLink(ifc))
	return applyStep{insideStep: s, dad: ifc}
}

// recreateStep deletes link o and creates interface ifc in its place.
func (d differ) recreateStep(ifc *config.Interface, o *netns.ObservedLink, why []string) applyStep {
	create := d.env.interfaceStep(d.def, ifc)
	details := append([]string{fmt.Sprintf("delete %s and create it again: connections on it break and the guests lose its addresses for a moment", o.Name)}, why...)
	return applyStep{recreate: true, num: ifc.Num, why: why, dad: ifc, insideStep: insideStep{
		Step: Step{
			Title:   fmt.Sprintf("recreate interface %d (%s): %s", ifc.Num, ifc.Dir, describeLink(ifc)),
			Details: append(details, interfaceDetails(d.def, ifc)...),
		},
		do: func(ctx context.Context, ns *netns.NS) (netns.Undo, error) {
			removed, err := netns.RemoveInterface(ns, d.def, *o)
			if err != nil {
				return removed, err
			}
			created, err := create.do(ctx, ns)
			return netns.Chain(removed, created), err
		},
	}}
}

// recreateReasons lists what differs on link o that only deleting and
// creating it again can change: its type, name, parent, VLAN id, macvlan
// or ipvlan mode, ipvlan flags, MAC, phys device, veth host side.
func recreateReasons(def *config.Namespace, ifc *config.Interface, o *netns.ObservedLink) []string {
	var why []string
	differs := func(what, now, want, key string) {
		if now != want {
			why = append(why, fmt.Sprintf("%s is %s, defined %s (%s)", what, orNone(now), want, ifc.File(key)))
		}
	}
	differs("type", string(o.Type), string(ifc.Type), config.KeyType)
	if o.Type != ifc.Type {
		return why
	}
	differs("name", o.Name, ifc.Name, config.KeyName)
	switch ifc.Type {
	case config.TypeVLAN:
		differs("parent", o.Parent, ifc.Link, config.KeyLink)
		differs("VLAN id", fmt.Sprint(o.VLAN), fmt.Sprint(ifc.VLAN), config.KeyVLAN)
	case config.TypeMacvlan:
		differs("parent", o.Parent, ifc.Link, config.KeyLink)
		differs("macvlan mode", string(o.Mode), string(ifc.Mode), config.KeyMode)
	case config.TypeIPVlan:
		differs("parent", o.Parent, ifc.Link, config.KeyLink)
		differs("ipvlan mode", string(o.IPVlanMode), string(ifc.IPVlanMode), config.KeyMode)
		differs("ipvlan flags", string(o.IPVlanFlag), string(ifc.IPVlanFlag), config.KeyFlags)
	case config.TypePhys:
		differs("host device", o.PhysOrig, ifc.Link, config.KeyLink)
	case config.TypeVeth:
		differs("host side", o.Host, def.VethHostName(ifc), config.KeyHost)
		if ifc.HostMAC != nil && !bytes.Equal(o.HostMAC, ifc.HostMAC) {
			differs("host side MAC", o.HostMAC.String(), ifc.HostMAC.String(), config.KeyMAC)
		}
	}
	if mac := definedMAC(ifc); mac != nil && !bytes.Equal(o.MAC, mac) {
		differs("MAC", o.MAC.String(), mac.String(), config.KeyMAC)
	}
	return why
}

// definedMAC is the MAC ifc wants inside X, nil for "leave it" (a phys
// device with mac auto keeps its own).
func definedMAC(ifc *config.Interface) net.HardwareAddr {
	if ifc.Type == config.TypePhys && ifc.MACAuto {
		return nil
	}
	return ifc.MAC
}

// repairs lists what EnsureInterface changes on link o in place: MTU, UP,
// missing addresses and default routes, a veth host side's bridge and UP.
func repairs(ifc *config.Interface, o *netns.ObservedLink) []string {
	var fix []string
	if ifc.MTU > 0 && o.MTU != ifc.MTU {
		fix = append(fix, fmt.Sprintf("set MTU %d (now %d; %s)", ifc.MTU, o.MTU, ifc.File(config.KeyMTU)))
	}
	for _, p := range ifc.Addrs {
		if !slices.ContainsFunc(o.Addr, func(a netns.ObservedAddr) bool { return a.Prefix == p }) {
			fix = append(fix, fmt.Sprintf("add address %s (%s)", p, ifc.File(config.KeyIP)))
		}
	}
	if !o.Up {
		fix = append(fix, "set UP (now DOWN)")
	}
	for _, gw := range ifc.Gateways {
		if !slices.ContainsFunc(o.Defaults, func(r netns.ObservedRoute) bool { return r.Gateway == gw }) {
			fix = append(fix, fmt.Sprintf("add default route via %s (%s)", gw, ifc.File(config.KeyGateway)))
		}
	}
	if ifc.Type == config.TypeVeth {
		fix = append(fix, vethHostRepairs(ifc, o)...)
	}
	return fix
}

// vethHostRepairs lists what EnsureInterface changes on a veth's host side.
func vethHostRepairs(ifc *config.Interface, o *netns.ObservedLink) []string {
	var fix []string
	if o.Bridge != ifc.Bridge {
		if ifc.Bridge == "" {
			fix = append(fix, fmt.Sprintf("take host side %s out of bridge %s", o.Host, o.Bridge))
		} else {
			fix = append(fix, fmt.Sprintf("attach host side %s to bridge %s (now %s; %s)", o.Host, ifc.Bridge, orNone(o.Bridge), ifc.File(config.KeyBridge)))
		}
	}
	if !o.HostUp {
		fix = append(fix, fmt.Sprintf("set host side %s UP", o.Host))
	}
	return fix
}

// repairStep converges an existing interface in place, as start does.
func (d differ) repairStep(ifc *config.Interface, o *netns.ObservedLink, fixes []string) applyStep {
	s := d.env.interfaceStep(d.def, ifc)
	s.Title = fmt.Sprintf("interface %d (%s): %s", ifc.Num, o.Name, joinSemi(fixes))
	s.Details = nil
	out := applyStep{insideStep: s}
	if restartsDAD(ifc, o) {
		out.dad = ifc
	}
	return out
}

// restartsDAD reports whether repairing link o starts duplicate address
// detection on IPv6 addresses of ifc: it adds one, or sets the link (or a
// veth's host side, which gives it carrier) UP.
func restartsDAD(ifc *config.Interface, o *netns.ObservedLink) bool {
	if !o.Up || ifc.Type == config.TypeVeth && !o.HostUp {
		return true
	}
	for _, p := range ifc.Addrs {
		if p.Addr().Is6() && !slices.ContainsFunc(o.Addr, func(a netns.ObservedAddr) bool { return a.Prefix == p }) {
			return true
		}
	}
	return false
}

// extraAddrs are the addresses of link o that apply removes: configured
// ones (not the kernel's link-local or autoconfigured addresses) that are
// neither in ifc's ip file nor claimed for that device by a member's
// util-vserver interfaces/ (util-vserver adds those itself at start).
func (d differ) extraAddrs(ifc *config.Interface, o *netns.ObservedLink) []netns.ObservedAddr {
	claimed := d.classicAddrs(o.Name)
	var out []netns.ObservedAddr
	for _, a := range o.Addr {
		if a.Configured && !slices.Contains(ifc.Addrs, a.Prefix) && !claimed[a.Prefix.Addr()] {
			out = append(out, a)
		}
	}
	return out
}

// classicAddrs are the addresses the members' interfaces/ put on dev.
func (d differ) classicAddrs(dev string) map[netip.Addr]bool {
	out := map[netip.Addr]bool{}
	for _, g := range d.members {
		for _, a := range g.ClassicAddrs() {
			if a.Dev == dev {
				out[a.Prefix.Addr()] = true
			}
		}
	}
	return out
}

// extraDefaults are the default routes of link o that apply removes:
// configured ones (protocol boot or static) via a gateway that is neither
// in ifc's gateway file nor a member's util-vserver gw for that device.
func (d differ) extraDefaults(ifc *config.Interface, o *netns.ObservedLink) []netns.ObservedRoute {
	var out []netns.ObservedRoute
	for _, r := range o.Defaults {
		if r.Configured && !slices.Contains(ifc.Gateways, r.Gateway) && !d.classicGateway(o.Name, r.Gateway) && !d.routesFileDefault(o, r) {
			out = append(out, r)
		}
	}
	return out
}

// classicGateway reports whether a member's interfaces/ adds a default
// route via gw on dev.
func (d differ) classicGateway(dev string, gw netip.Addr) bool {
	for _, g := range d.members {
		for _, c := range g.Classic {
			if c.AddsAddress() && c.Dev == dev && c.Gateway == gw {
				return true
			}
		}
	}
	return false
}

// removeAddrStep removes address a from link o.
func (d differ) removeAddrStep(ifc *config.Interface, o *netns.ObservedLink, a netns.ObservedAddr) applyStep {
	return applyStep{insideStep: insideStep{
		Step: Step{Title: fmt.Sprintf("interface %d (%s): remove address %s (not in %s, not in a member's interfaces/)", ifc.Num, o.Name, a.Prefix, ifc.File(config.KeyIP))},
		do:   func(_ context.Context, ns *netns.NS) (netns.Undo, error) { return netns.RemoveAddr(ns, *o, a) },
	}}
}

// removeRouteStep removes default route r from link o.
func (d differ) removeRouteStep(ifc *config.Interface, o *netns.ObservedLink, r netns.ObservedRoute) applyStep {
	return applyStep{insideStep: insideStep{
		Step: Step{Title: fmt.Sprintf("interface %d (%s): remove default route via %s (not in %s)", ifc.Num, o.Name, r.Gateway, ifc.File(config.KeyGateway))},
		do:   func(_ context.Context, ns *netns.NS) (netns.Undo, error) { return netns.RemoveDefaultRoute(ns, *o, r) },
	}}
}

// sysctlStep sets the sysctls whose value in X differs from the
// definition, as start does. A sysctl file removed from the definition
// changes nothing: the value it replaced is not known.
func (d differ) sysctlStep() (applyStep, bool) {
	var changed []config.Sysctl
	var details []string
	for _, s := range d.def.Sysctls {
		if now := d.held.sysctls[s.Key]; now != normalizeSysctl(s.Value) {
			changed = append(changed, s)
			details = append(details, fmt.Sprintf("%s = %s (now %s; %s)", s.Key, s.Value, now, s.File))
		}
	}
	if len(changed) == 0 {
		return applyStep{}, false
	}
	sub := *d.def
	sub.Sysctls = changed
	s := sysctlStep(&sub)
	s.Details = details
	return applyStep{insideStep: s}, true
}

// normalizeSysctl writes a value as ReadSysctls reports one: words
// separated by one space.
func normalizeSysctl(v string) string {
	return joinFields(v)
}

// refusal returns the first error that would stop the plan at a later
// step and is known now: a new interface whose parent or bridge is not on
// the host, or whose MTU is above its parent's. Nil when there is none.
func (d differ) refusal() error {
	for i := range d.def.Interfaces {
		ifc := &d.def.Interfaces[i]
		if d.observed(ifc.Num) != nil {
			continue
		}
		for _, p := range append(hostDeviceProblems(ifc, false), bridgeProblems(ifc)...) {
			if p.Severity == config.SeverityError {
				return fmt.Errorf("network namespace %s, interface %s (%s): %s; nothing was changed", d.def.Name, ifc.Name, ifc.Dir, p.Msg)
			}
		}
	}
	return nil
}
