// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Keys of an interfaces/N directory.
const (
	KeyType    = "type"
	KeyLink    = "link"
	KeyVLAN    = "vlan"
	KeyMode    = "mode"
	KeyName    = "name"
	KeyHost    = "host"
	KeyBridge  = "bridge"
	KeyMAC     = "mac"
	KeyMTU     = "mtu"
	KeyIP      = "ip"
	KeyGateway = "gateway"
)

// InterfaceKeys lists the files allowed in an interfaces/N directory.
var InterfaceKeys = []string{KeyType, KeyLink, KeyVLAN, KeyMode, KeyFlags, KeyName, KeyHost,
	KeyBridge, KeyMAC, KeyMTU, KeyIP, KeyGateway, KeyDAD, KeyACD, KeySLAAC}

// valueKeys are the single-value keys (the others, ip and gateway, are lists).
var valueKeys = []string{KeyType, KeyLink, KeyVLAN, KeyMode, KeyFlags, KeyName, KeyHost, KeyBridge, KeyMAC, KeyMTU, KeyDAD, KeyACD, KeySLAAC}

// keyTypes says which types a type-specific key belongs to; keys not listed
// are allowed for every type.
var keyTypes = map[string][]LinkType{
	KeyLink:   {TypeVLAN, TypeMacvlan, TypeIPVlan, TypePhys},
	KeyVLAN:   {TypeVLAN},
	KeyMode:   {TypeMacvlan, TypeIPVlan},
	KeyFlags:  {TypeIPVlan},
	KeyHost:   {TypeVeth},
	KeyBridge: {TypeVeth},
}

// requiredKeys are the keys each type needs.
var requiredKeys = map[LinkType][]string{
	TypeVLAN:    {KeyLink, KeyVLAN},
	TypeMacvlan: {KeyLink},
	TypeIPVlan:  {KeyLink},
	TypePhys:    {KeyLink},
}

// ifaceReader reads one interfaces/N directory.
type ifaceReader struct {
	reader
	ifc  *Interface
	vals map[string]string // the single-value keys that are present
}

// readInterface reads and validates interfaces/N of namespace ns. MACs are
// generated later, once the id is known.
func readInterface(r reader, ns *Namespace, num int, dir string) Interface {
	ifc := Interface{Num: num, Dir: dir}
	ir := ifaceReader{reader: r, ifc: &ifc, vals: map[string]string{}}
	checkUnknownKeys(r, dir, InterfaceKeys, "an interface directory")
	for _, k := range valueKeys {
		if v, ok := r.value(ifc.File(k)); ok {
			ir.vals[k] = v
		}
	}
	typeOK := ir.readType()
	if typeOK {
		ir.checkTypeKeys()
	}
	ir.readLink()
	ir.readVLAN()
	ir.readMode()
	ir.readIPVlan()
	ir.readName()
	ir.readHost(ns.Name)
	ir.readBridge()
	ir.readMAC()
	ir.readMTU()
	ir.readReady()
	ifc.Addrs = readEntries(ir, KeyIP, ParseAddr)
	ifc.Gateways = readEntries(ir, KeyGateway, ParseGateway)
	ir.checkDuplicateAddrs()
	ir.checkGateways()
	return ifc
}

// applies reports whether key k is present and allowed for the type (a key
// that is not allowed has its own Problem already).
func (ir ifaceReader) applies(k string) (string, bool) {
	v, ok := ir.vals[k]
	if !ok {
		return "", false
	}
	if types, specific := keyTypes[k]; specific && !slices.Contains(types, ir.ifc.Type) {
		return "", false
	}
	return v, true
}

func (ir ifaceReader) readType() bool {
	file := ir.ifc.File(KeyType)
	v, ok := ir.vals[KeyType]
	if !ok {
		if !present(file) {
			ir.add(file, "missing; every interface needs a type, one of: %s", joinValues(LinkTypes))
		}
		return false
	}
	if !slices.Contains(LinkTypes, LinkType(v)) {
		ir.add(file, "unknown type %q; allowed: %s", v, joinValues(LinkTypes))
		return false
	}
	ir.ifc.Type = LinkType(v)
	return true
}

// joinValues lists allowed values for a message: "vlan, macvlan, veth".
func joinValues[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// checkTypeKeys records keys the type does not allow and keys it needs but
// lacks.
func (ir ifaceReader) checkTypeKeys() {
	t := ir.ifc.Type
	for _, k := range valueKeys {
		types, specific := keyTypes[k]
		if _, read := ir.vals[k]; read && specific && !slices.Contains(types, t) {
			ir.add(ir.ifc.File(k), "not allowed for type %s; %s is only for type %s", t, k, joinValues(types))
		}
	}
	for _, k := range requiredKeys[t] {
		if _, read := ir.vals[k]; !read && !present(ir.ifc.File(k)) {
			ir.add(ir.ifc.File(k), "missing; required for type %s", t)
		}
	}
}

func (ir ifaceReader) readLink() {
	if v, ok := ir.applies(KeyLink); ok {
		ir.ifc.Link = ir.ifName(KeyLink, v)
	}
}

func (ir ifaceReader) readBridge() {
	if v, ok := ir.applies(KeyBridge); ok {
		ir.ifc.Bridge = ir.ifName(KeyBridge, v)
	}
}

// ifName validates an interface name found in key k; it returns "" when it
// is not valid.
func (ir ifaceReader) ifName(k, v string) string {
	if err := ValidateIfName(v); err != nil {
		ir.add(ir.ifc.File(k), "%v", err)
		return ""
	}
	return v
}

func (ir ifaceReader) readVLAN() {
	v, ok := ir.applies(KeyVLAN)
	if !ok {
		return
	}
	n, err := parseNumber(v, "VLAN id", MinVLAN, MaxVLAN)
	if err != nil {
		ir.add(ir.ifc.File(KeyVLAN), "%v", err)
		return
	}
	ir.ifc.VLAN = n
}

func (ir ifaceReader) readMode() {
	if ir.ifc.Type != TypeMacvlan {
		return
	}
	ir.ifc.Mode = ModeBridge
	v, ok := ir.applies(KeyMode)
	if !ok {
		return
	}
	if !slices.Contains(MacvlanModes, MacvlanMode(v)) {
		ir.add(ir.ifc.File(KeyMode), "unknown macvlan mode %q; allowed: %s", v, joinValues(MacvlanModes))
		return
	}
	ir.ifc.Mode = MacvlanMode(v)
}

// LoopbackName is the namespace's own loopback, which no interface may take.
const LoopbackName = "lo"

func (ir ifaceReader) readName() {
	ir.ifc.Name = "eth" + strconv.Itoa(ir.ifc.Num)
	v, ok := ir.vals[KeyName]
	if !ok {
		return
	}
	if v == LoopbackName {
		ir.add(ir.ifc.File(KeyName), "interface name %q is the namespace's loopback; choose another name", v)
		return
	}
	if name := ir.ifName(KeyName, v); name != "" {
		ir.ifc.Name = name
	}
}

// readHost sets the veth host-side name: the host file, or the default
// derived from the namespace name x.
func (ir ifaceReader) readHost(x string) {
	if ir.ifc.Type != TypeVeth {
		return
	}
	if v, ok := ir.applies(KeyHost); ok {
		ir.ifc.Host = ir.ifName(KeyHost, v)
		return
	}
	if present(ir.ifc.File(KeyHost)) {
		return // present but unreadable: already a Problem
	}
	host := DefaultHostName(x, ir.ifc.Num)
	if err := ValidateIfName(host); err != nil {
		ir.add(ir.ifc.File(KeyHost), "missing, and the default host-side name derived from namespace %q is not valid (%v); write a host-side name here", x, err)
		return
	}
	ir.ifc.Host = host
}

func (ir ifaceReader) readMAC() {
	if ir.checkIPVlanMAC() {
		return
	}
	ir.ifc.MACAuto = ir.ifc.Type != TypePhys // phys keeps its own address
	v, ok := ir.vals[KeyMAC]
	if !ok {
		return
	}
	mac, auto, err := ParseMAC(v)
	if err != nil {
		ir.ifc.MACAuto = false
		ir.add(ir.ifc.File(KeyMAC), "%v", err)
		return
	}
	ir.ifc.MACAuto = auto && ir.ifc.Type != TypePhys
	ir.ifc.MAC = mac
}

func (ir ifaceReader) readMTU() {
	v, ok := ir.vals[KeyMTU]
	if !ok {
		return
	}
	n, err := parseNumber(v, "MTU", MinMTU, MaxMTU)
	if err != nil {
		ir.add(ir.ifc.File(KeyMTU), "%v", err)
		return
	}
	ir.ifc.MTU = n
}

// readEntries parses every entry of the list key k (ip, gateway) with
// parse, recording a Problem for each entry it rejects.
func readEntries[T any](ir ifaceReader, k string, parse func(string) (T, error)) []T {
	file := ir.ifc.File(k)
	lines, _ := ir.list(file)
	var out []T
	for _, line := range lines {
		v, err := parse(line)
		if err != nil {
			ir.add(file, "%v", err)
			continue
		}
		out = append(out, v)
	}
	return out
}

// checkGateways records each gateway for which the interface has no address
// of the same family, or no configured prefix that contains it: the kernel
// refuses a route via a gateway it cannot reach on the link ("Network is
// unreachable"). An IPv6 link-local gateway (fe80::/10) needs none: the
// kernel gives every interface a link-local address.
func (ir ifaceReader) checkGateways() {
	for _, gw := range ir.ifc.Gateways {
		switch {
		case gw.Is6() && gw.IsLinkLocalUnicast() || anyContains(ir.ifc.Addrs, gw):
		case hasFamily(ir.ifc.Addrs, gw):
			ir.add(ir.ifc.File(KeyGateway), "gateway %s is in no prefix configured in %s, so the kernel refuses the route via it (Network is unreachable); add an address of its network there",
				gw, ir.ifc.File(KeyIP))
		default:
			ir.add(ir.ifc.File(KeyGateway), "gateway %s has no %s address on this interface to reach it; add one to %s",
				gw, familyName(gw), ir.ifc.File(KeyIP))
		}
	}
}

// anyContains reports whether one of addrs' prefixes contains a.
func anyContains(addrs []netip.Prefix, a netip.Addr) bool {
	for _, p := range addrs {
		if p.Masked().Contains(a) {
			return true
		}
	}
	return false
}

// checkDuplicateAddrs records an address listed twice in the ip file: the
// kernel refuses the second ("File exists"), whatever its prefix length.
func (ir ifaceReader) checkDuplicateAddrs() {
	seen := map[netip.Addr]netip.Prefix{}
	for _, p := range ir.ifc.Addrs {
		if first, dup := seen[p.Addr()]; dup {
			ir.add(ir.ifc.File(KeyIP), "address %s is listed twice (%s and %s); the kernel refuses the second (File exists): list each address once",
				p.Addr(), first, p)
			continue
		}
		seen[p.Addr()] = p
	}
}

func hasFamily(addrs []netip.Prefix, a netip.Addr) bool {
	for _, p := range addrs {
		if p.Addr().Is4() == a.Is4() {
			return true
		}
	}
	return false
}

func familyName(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

func sortInterfaces(ifs []Interface) {
	sort.Slice(ifs, func(i, j int) bool { return ifs[i].Num < ifs[j].Num })
}

// generateMACs fills in the generated MAC of an interface with mac auto (when
// the namespace id is known) and the host-side MAC of a veth.
func generateMACs(ns *Namespace, ifc *Interface) {
	if ifc.MACAuto && ns.HasID {
		ifc.MAC = GenerateMAC(ifc.VLAN, ns.ID, ifc.Num)
	}
	if ifc.Type == TypeVeth {
		ifc.HostMAC = HostSideMAC(ifc.MAC)
	}
}

// checkDuplicateNames records interface names used twice in a namespace. The
// Problem names the file that set the name explicitly.
func checkDuplicateNames(r reader, ns *Namespace) {
	seen := map[string]*Interface{}
	for i := range ns.Interfaces {
		ifc := &ns.Interfaces[i]
		first, dup := seen[ifc.Name]
		if !dup {
			seen[ifc.Name] = ifc
			continue
		}
		at, other := ifc, first
		if !present(ifc.File(KeyName)) {
			at, other = first, ifc
		}
		r.add(at.File(KeyName), "interface name %q is used twice in namespace %s (also by %s); names inside a namespace must be unique",
			ifc.Name, ns.Name, other.Dir)
	}
}

// macUse is one MAC address an interface will carry.
type macUse struct {
	ifc      *Interface
	explicit bool
	what     string
}

// checkDuplicateMACs records MAC addresses used twice in a namespace (both
// sides of veth pairs included). The Problem names the mac file that set
// one of them explicitly.
func checkDuplicateMACs(r reader, ns *Namespace) {
	seen := map[string]macUse{}
	for i := range ns.Interfaces {
		ifc := &ns.Interfaces[i]
		explicit := !ifc.MACAuto && ifc.MAC != nil
		for _, u := range []struct {
			mac  string
			what string
		}{{macString(ifc.MAC), "the address"}, {macString(ifc.HostMAC), "the host-side address"}} {
			if u.mac == "" {
				continue
			}
			cur := macUse{ifc: ifc, explicit: explicit, what: u.what}
			first, dup := seen[u.mac]
			if !dup {
				seen[u.mac] = cur
				continue
			}
			at, other := cur, first
			if !cur.explicit && first.explicit {
				at, other = first, cur
			}
			r.add(at.ifc.File(KeyMAC), "MAC %s (%s of %s) is also %s of %s; MACs in a group must be unique",
				u.mac, at.what, at.ifc.Dir, other.what, other.ifc.Dir)
		}
	}
}

func macString(mac net.HardwareAddr) string {
	if len(mac) == 0 {
		return ""
	}
	return mac.String()
}

// MissingHostDevice is the error of an interface whose host device is not
// there: the parent of a vlan, macvlan or ipvlan, or the device a phys
// interface moves in. Start refuses it; check reports it in these words.
func MissingHostDevice(ifc *Interface) error {
	what := "parent device"
	if ifc.Type == TypePhys {
		what = "device"
	}
	return fmt.Errorf("%s %s (%s) does not exist on the host", what, ifc.Link, ifc.File(KeyLink))
}

// MissingBridge is the error of a veth whose host-side bridge is not
// there, or is a device of another kind (kind not empty).
func MissingBridge(ifc *Interface, kind string) error {
	if kind != "" {
		return fmt.Errorf("%s (%s) is a %s device, not a bridge", ifc.Bridge, ifc.File(KeyBridge), kind)
	}
	return fmt.Errorf("bridge %s (%s) does not exist on the host", ifc.Bridge, ifc.File(KeyBridge))
}

// MTUAboveParent is the error of a vlan or macvlan whose MTU is above
// parentMTU, the MTU of its parent: the kernel refuses such a link
// (Invalid argument). Nil when the MTU is not set or fits.
func MTUAboveParent(ifc *Interface, parentMTU int) error {
	if (ifc.Type != TypeVLAN && ifc.Type != TypeMacvlan) || ifc.MTU <= parentMTU {
		return nil
	}
	return fmt.Errorf("MTU %d is above the MTU %d of its parent %s; the kernel refuses a %s above its parent's (Invalid argument): lower %s or raise the MTU of %s",
		ifc.MTU, parentMTU, ifc.Link, ifc.Type, ifc.File(KeyMTU), ifc.Link)
}

// NameTaken is the error of an interface whose name is already used by
// another device in the namespace. Start refuses it; apply refuses it
// before its first change.
func NameTaken(ifc *Interface) error {
	return fmt.Errorf("name %s (%s) is already taken in the namespace", ifc.Name, ifc.File("name"))
}

// HostNameTaken is the error of a veth whose host-side name host is
// already used by another device on the host.
func HostNameTaken(ifc *Interface, host string) error {
	return fmt.Errorf("host-side name %s (%s) is already taken on the host", host, ifc.File("host"))
}
