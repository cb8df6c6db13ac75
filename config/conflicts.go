// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"slices"
	"strings"
)

// nsUse is one interface of one namespace definition that takes something
// no other namespace may take too (a MAC, a host device, an address).
type nsUse struct {
	ns   *Namespace
	ifc  *Interface
	file string // the file that gave it
	what string // how it is used, for the message ("the address", ...)
}

// conflictsOf returns the conflicts between namespace x's definition and
// the others (see checkConflicts), reading every definition once.
func (t *Tree) conflictsOf(x string) Problems {
	t.checkConflicts()
	return t.conflicts[x]
}

// checkConflicts records, once, what two namespace definitions cannot both
// have, which no single definition shows: the same MAC (generated from the
// same id, VLAN and interface number, or explicit), the same phys device,
// a phys device that another namespace uses as parent (once moved in, the
// other cannot create its link), and, as a warning, the same address. Each
// namespace involved gets the problem, naming its own file and the
// other's. Only the definition directories are read, not the guests.
func (t *Tree) checkConflicts() {
	if t.conflicts != nil {
		return
	}
	t.conflicts = map[string]Problems{}
	macs, devs, addrs := map[string][]nsUse{}, map[string][]nsUse{}, map[string][]nsUse{}
	for _, x := range sortedKeys(t.defDirs) {
		if !t.defDirs[x] {
			continue
		}
		ns := t.definition(x)
		for i := range ns.Interfaces {
			ifc := &ns.Interfaces[i]
			if !slices.Contains(LinkTypes, ifc.Type) {
				continue // its type is the problem, reported with the definition
			}
			addMACUse(macs, ns, ifc)
			addDevUse(devs, ns, ifc)
			for _, p := range ifc.Addrs {
				addrs[p.Addr().String()] = append(addrs[p.Addr().String()], nsUse{ns, ifc, ifc.File(KeyIP), "the address of"})
			}
		}
	}
	t.reportConflicts(macs, SeverityError, "MAC %s is %s %s and also %s; a MAC must be unique on the host's networks: give one namespace another id or an explicit mac")
	t.reportDevConflicts(devs)
	t.reportConflicts(addrs, SeverityWarning, "address %s is %s %s and also %s; if the two namespaces share a network, their address conflict breaks both")
}

// addMACUse records the MAC of ifc (and of a veth's host side): the file
// that gave it is its mac file when explicit, else the namespace's id file.
func addMACUse(macs map[string][]nsUse, ns *Namespace, ifc *Interface) {
	file := ifc.File(KeyMAC)
	if ifc.MACAuto && ns.IDFrom != "" {
		file = ns.IDFrom
	}
	if m := macString(ifc.MAC); m != "" {
		macs[m] = append(macs[m], nsUse{ns, ifc, file, "the address of"})
	}
	if m := macString(ifc.HostMAC); m != "" {
		macs[m] = append(macs[m], nsUse{ns, ifc, file, "the host-side address of"})
	}
}

// addDevUse records the host device ifc takes (phys) or uses as parent.
func addDevUse(devs map[string][]nsUse, ns *Namespace, ifc *Interface) {
	switch {
	case ifc.Link == "":
	case ifc.Type == TypePhys:
		devs[ifc.Link] = append(devs[ifc.Link], nsUse{ns, ifc, ifc.File(KeyLink), "moved in by"})
	default:
		devs[ifc.Link] = append(devs[ifc.Link], nsUse{ns, ifc, ifc.File(KeyLink), "the parent of"})
	}
}

// reportConflicts records, for each value used by more than one namespace,
// one problem per namespace involved (format: value, what, own
// interface, the others).
func (t *Tree) reportConflicts(uses map[string][]nsUse, sev Severity, format string) {
	for _, v := range sortedKeys(uses) {
		us := uses[v]
		if !spansNamespaces(us) {
			continue
		}
		for i, u := range us {
			t.conflicts[u.ns.Name] = append(t.conflicts[u.ns.Name], Problem{File: u.file, Severity: sev,
				Msg: fmt.Sprintf(format, v, u.what, u.ifc.Dir, othersText(us, i))})
		}
	}
}

// reportDevConflicts records a host device that a phys interface moves
// into one namespace while another namespace moves it too or uses it as
// parent. Parents shared by several namespaces are fine.
func (t *Tree) reportDevConflicts(devs map[string][]nsUse) {
	for _, dev := range sortedKeys(devs) {
		us := devs[dev]
		if !spansNamespaces(us) || !hasPhys(us) {
			continue
		}
		for i, u := range us {
			t.conflicts[u.ns.Name] = append(t.conflicts[u.ns.Name], Problem{File: u.file,
				Msg: fmt.Sprintf("host device %s is %s %s and also %s; a phys device moves into one namespace and is then "+
					"gone from the host: use it in one namespace only", dev, u.what, u.ifc.Dir, othersText(us, i))})
		}
	}
}

func hasPhys(us []nsUse) bool {
	for _, u := range us {
		if u.ifc.Type == TypePhys {
			return true
		}
	}
	return false
}

// spansNamespaces reports whether us holds more than one namespace (a
// repetition inside one is that namespace's own check).
func spansNamespaces(us []nsUse) bool {
	for _, u := range us[1:] {
		if u.ns != us[0].ns {
			return true
		}
	}
	return false
}

// othersText names the uses of other namespaces than us[i]'s.
func othersText(us []nsUse, i int) string {
	var others []string
	for _, o := range us {
		if o.ns != us[i].ns {
			others = append(others, fmt.Sprintf("%s %s (namespace %s)", o.what, o.ifc.Dir, o.ns.Name))
		}
	}
	return strings.Join(others, ", ")
}
