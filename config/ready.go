// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import "slices"

// Keys of an interfaces/N directory that say how its addresses become
// usable: IPv6 duplicate address detection, the IPv4 conflict probe and
// stateless autoconfiguration.
const (
	KeyDAD   = "dad"
	KeyACD   = "acd"
	KeySLAAC = "slaac"
)

// DADMode is an interface's dad file: what start does about IPv6 duplicate
// address detection on the addresses it adds.
type DADMode string

const (
	// DADWait (the default) lets the kernel run DAD and waits, before the
	// guest starts, until every IPv6 address has left the tentative state;
	// an address that ends dadfailed makes start refuse.
	DADWait DADMode = "wait"
	// DADOptimistic adds the addresses optimistic (RFC 4429): usable at
	// once, no wait; a later conflict is the kernel's to report.
	DADOptimistic DADMode = "optimistic"
	// DADOff turns DAD off on the interface (accept_dad=0).
	DADOff DADMode = "off"
)

// DADModes lists the allowed values of dad.
var DADModes = []DADMode{DADWait, DADOptimistic, DADOff}

// readReady reads dad, acd and slaac.
func (ir ifaceReader) readReady() {
	ir.ifc.DAD = DADWait
	if v, ok := ir.applies(KeyDAD); ok {
		if slices.Contains(DADModes, DADMode(v)) {
			ir.ifc.DAD = DADMode(v)
		} else {
			ir.add(ir.ifc.File(KeyDAD), "unknown dad mode %q; allowed: %s", v, joinValues(DADModes))
		}
	}
	ir.ifc.ACD = ir.yesNo(KeyACD)
	if ir.ifc.ACD && ir.ifc.Type == TypeIPVlan && ir.ifc.IPVlanMode != IPVlanL2 {
		ir.add(ir.ifc.File(KeyACD), "not possible on an ipvlan in mode %s: it carries no ARP; use mode l2 or acd no", ir.ifc.IPVlanMode)
	}
	ir.ifc.SLAAC = ir.yesNo(KeySLAAC)
}

// yesNo reads a file that holds yes or no (absent means no).
func (ir ifaceReader) yesNo(k string) bool {
	v, ok := ir.applies(k)
	switch {
	case !ok || v == "no":
		return false
	case v == "yes":
		return true
	}
	ir.add(ir.ifc.File(k), "must be yes or no, not %q", v)
	return false
}
