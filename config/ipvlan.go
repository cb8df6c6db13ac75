// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"slices"
)

// KeyFlags is the ipvlan flags file of an interfaces/N directory.
const KeyFlags = "flags"

// IPVlanMode is the content of interfaces/N/mode of an ipvlan.
type IPVlanMode string

// The ipvlan modes: l2 switches frames between the slaves and the parent
// (ARP and neighbour discovery work, broadcast and multicast reach the
// slaves); l3 and l3s route at layer 3 (no broadcast, no multicast; l3s
// passes through the parent's netfilter hooks). vserverx always sets the
// mode.
const (
	IPVlanL2  IPVlanMode = "l2"
	IPVlanL3  IPVlanMode = "l3"
	IPVlanL3S IPVlanMode = "l3s"
)

// IPVlanModes lists the allowed values of interfaces/N/mode for ipvlan.
var IPVlanModes = []IPVlanMode{IPVlanL2, IPVlanL3, IPVlanL3S}

// IPVlanFlag is the content of interfaces/N/flags of an ipvlan.
type IPVlanFlag string

// The ipvlan flags: bridge lets slaves of one parent talk to each other
// directly; private forbids it; vepa sends their traffic out through the
// parent to the switch (which must hairpin it back).
const (
	IPVlanBridge  IPVlanFlag = "bridge"
	IPVlanPrivate IPVlanFlag = "private"
	IPVlanVEPA    IPVlanFlag = "vepa"
)

// IPVlanFlags lists the allowed values of interfaces/N/flags.
var IPVlanFlags = []IPVlanFlag{IPVlanBridge, IPVlanPrivate, IPVlanVEPA}

// readIPVlan reads the mode and flags of an ipvlan, with their defaults
// l2 and bridge.
func (ir ifaceReader) readIPVlan() {
	if ir.ifc.Type != TypeIPVlan {
		return
	}
	ir.ifc.IPVlanMode, ir.ifc.IPVlanFlag = IPVlanL2, IPVlanBridge
	if v, ok := ir.applies(KeyMode); ok {
		if !slices.Contains(IPVlanModes, IPVlanMode(v)) {
			ir.add(ir.ifc.File(KeyMode), "unknown ipvlan mode %q; allowed: %s", v, joinValues(IPVlanModes))
		} else {
			ir.ifc.IPVlanMode = IPVlanMode(v)
		}
	}
	if v, ok := ir.applies(KeyFlags); ok {
		if !slices.Contains(IPVlanFlags, IPVlanFlag(v)) {
			ir.add(ir.ifc.File(KeyFlags), "unknown ipvlan flags %q; allowed: %s", v, joinValues(IPVlanFlags))
		} else {
			ir.ifc.IPVlanFlag = IPVlanFlag(v)
		}
	}
}

// checkIPVlanMAC refuses a mac file on an ipvlan: every ipvlan shares its
// parent's MAC address.
func (ir ifaceReader) checkIPVlanMAC() bool {
	if ir.ifc.Type != TypeIPVlan {
		return false
	}
	ir.ifc.MACAuto = false
	if present(ir.ifc.File(KeyMAC)) {
		ir.add(ir.ifc.File(KeyMAC), "not allowed for type ipvlan: an ipvlan has its parent %s's MAC address; use macvlan for an address of its own", ir.ifc.Link)
	}
	return true
}

// ipvlanUse is one ipvlan of a definition, for the check across them.
type ipvlanUse struct {
	ns  *Namespace
	ifc *Interface
}

// checkIPVlanParents records ipvlans on one host device whose mode or
// flags differ, across all namespace definitions (the same one
// included): the kernel keeps one mode and one flags setting per parent,
// shared by every ipvlan on it, so creating one would switch the others.
// Each ipvlan that differs from the first one (in namespace and
// interface order) is named.
func (t *Tree) checkIPVlanParents() {
	first := map[string]ipvlanUse{}
	for _, x := range sortedKeys(t.defs) {
		ns := t.defs[x]
		for i := range ns.Interfaces {
			ifc := &ns.Interfaces[i]
			if ifc.Type != TypeIPVlan || ifc.Link == "" {
				continue
			}
			f, seen := first[ifc.Link]
			if !seen {
				first[ifc.Link] = ipvlanUse{ns, ifc}
				continue
			}
			if f.ifc.IPVlanMode != ifc.IPVlanMode || f.ifc.IPVlanFlag != ifc.IPVlanFlag {
				t.nsProbs[x] = append(t.nsProbs[x], Problem{File: ifc.File(KeyMode),
					Msg: fmt.Sprintf("ipvlan mode %s, flags %s on %s differs from mode %s, flags %s of %s: the kernel has one mode and one flags setting per parent device, shared by all its ipvlans; give every ipvlan on %s the same mode and flags files",
						ifc.IPVlanMode, ifc.IPVlanFlag, ifc.Link, f.ifc.IPVlanMode, f.ifc.IPVlanFlag, f.ifc.Dir, ifc.Link)})
			}
		}
	}
}

func hasIPVlan(ns *Namespace) bool {
	return slices.ContainsFunc(ns.Interfaces, func(ifc Interface) bool { return ifc.Type == TypeIPVlan })
}
