// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/vserverx/vserverx/config"
)

// link is one network device the scriptlets create or move, followed
// through renames and moves to where it ends up.
type link struct {
	name   string // current name
	ns     string // "" = on the host, else the namespace it is in
	kind   config.LinkType
	parent string // vlan/macvlan parent; phys: its host name
	vlan   int
	mode   config.MacvlanMode
	peer   *link // the other end of a veth
	mac    string
	macAt  string // where the MAC was set
	macCmd bool   // the MAC is computed by a command substitution
	mtu    int
	master string // host bridge
	ips    []string
	ipSet  map[string]bool
	gws    []string
	from   string // file:line that created it (or moved a host device)
	file   string // the file of from
	line   int    // the line of from
	noMode bool   // macvlan created without a mode
}

// netState is what all scriptlets of a guest do to the network, in order.
type netState struct {
	guest   string
	ns      string
	nsFrom  string // file:line
	links   []*link
	routes  []legacyRoute     // routes file lines, in order
	rules   []legacyRule      // rules file lines, in order
	byName  map[linkKey]*link // links by where they are now
	created map[string]*link  // links by the name ip link add gave them
	notes   []string
	noteSet map[string]bool

	nftables, nftablesFrom string // the ruleset nft -f loads into ns (content), and where
}

// linkKey names a device: its namespace ("" = host) and name.
type linkKey struct{ ns, name string }

func newNetState(guest string) *netState {
	return &netState{guest: guest, byName: map[linkKey]*link{}, created: map[string]*link{}, noteSet: map[string]bool{}}
}

// note adds a note once.
func (st *netState) note(s string) {
	if !st.noteSet[s] {
		st.noteSet[s] = true
		st.notes = append(st.notes, s)
	}
}

// useNS records that a command works with namespace x; all must agree.
func (st *netState) useNS(x, at string) error {
	if err := config.ValidateNamespaceName(x); err != nil {
		return fmt.Errorf("%v", err)
	}
	if st.ns == "" {
		st.ns, st.nsFrom = x, at
		return nil
	}
	if st.ns != x {
		return fmt.Errorf("namespace %q differs from namespace %q at %s; a guest can be adopted into one namespace only", x, st.ns, st.nsFrom)
	}
	return nil
}

// find returns the device name in namespace ns ("" = host), or nil.
func (st *netState) find(ns, name string) *link { return st.byName[linkKey{ns, name}] }

// add records a new device. Creating a device of a name created before
// is refused: the second ip link add fails (or, after a removal, makes
// another device than the first), and adopt does not guess which one the
// guest gets.
func (st *netState) add(l *link) error {
	have := st.created[l.name]
	if have == nil {
		have = st.find(l.ns, l.name)
	}
	if have != nil {
		return fmt.Errorf("%s is created a second time; it was first created at %s; adopt does not guess which of the two the guest gets: "+
			"create it once", l.name, have.from)
	}
	if l.kind != config.TypePhys {
		st.created[l.name] = l
	}
	st.links = append(st.links, l)
	st.byName[linkKey{l.ns, l.name}] = l
	return nil
}

// place moves l to namespace ns under name in the index.
func (st *netState) place(l *link, ns, name string) {
	delete(st.byName, linkKey{l.ns, l.name})
	l.ns, l.name = ns, name
	st.byName[linkKey{ns, name}] = l
}

// proposal turns the final state into interfaces of namespace st.ns,
// numbered in the order the devices appeared.
func (st *netState) proposal() (*Proposal, error) {
	p := &Proposal{Guest: st.guest, NS: st.ns, NSFrom: st.nsFrom, Notes: st.notes, Nftables: st.nftables, NftablesFrom: st.nftablesFrom,
		Routes: st.routesFile(), Rules: st.rulesFile()}
	for _, l := range st.links {
		ifc, ok, err := st.interfaceOf(l)
		if err != nil {
			return nil, err
		}
		if ok {
			ifc.Num = len(p.Interfaces)
			p.Interfaces = append(p.Interfaces, ifc)
			p.Notes = append(p.Notes, macNote(l, ifc)...)
		}
	}
	return p, nil
}

// interfaceOf returns the interface device l becomes; ok is false for the
// host end of a veth whose other end is in the namespace.
func (st *netState) interfaceOf(l *link) (ProposedInterface, bool, error) {
	ifc := ProposedInterface{Type: l.kind, Name: l.name, MTU: l.mtu, IPs: l.ips, Gateways: l.gws, From: l.from}
	if l.ns == "" {
		if l.kind == config.TypeVeth && l.peer.ns == st.ns {
			return ifc, false, nil
		}
		return ifc, false, refuse(l.file, l.line, "%s is created on the host and never moved into namespace %s; vserverx manages links inside the namespace only",
			l.name, st.ns)
	}
	if l.master != "" {
		return ifc, false, refuse(l.file, l.line, "%s is attached to bridge %s inside the namespace; vserverx attaches only a veth's host side to a bridge", l.name, l.master)
	}
	if err := st.fill(l, &ifc); err != nil {
		return ifc, false, refuse(l.file, l.line, "%v", err)
	}
	if err := st.setMAC(l, &ifc); err != nil {
		return ifc, false, refuse(l.file, l.line, "%v", err)
	}
	return ifc, true, nil
}

// fill sets the type-specific fields.
func (st *netState) fill(l *link, ifc *ProposedInterface) error {
	switch l.kind {
	case config.TypeVLAN, config.TypeMacvlan:
		if st.find("", l.parent) != nil || st.movedIn(l.parent) {
			return fmt.Errorf("the parent %s of %s is a device the scriptlets create or move themselves; vserverx's parent is a host device", l.parent, l.name)
		}
		ifc.Link, ifc.VLAN, ifc.Mode = l.parent, l.vlan, l.mode
	case config.TypeVeth:
		return st.fillVeth(l, ifc)
	case config.TypePhys:
		ifc.Link = l.parent
	}
	return nil
}

// movedIn reports whether the host device name is moved into the namespace.
func (st *netState) movedIn(name string) bool {
	return slices.ContainsFunc(st.links, func(l *link) bool { return l.kind == config.TypePhys && l.parent == name })
}

func (st *netState) fillVeth(l *link, ifc *ProposedInterface) error {
	host := l.peer
	switch {
	case host.ns != "":
		return fmt.Errorf("both ends of veth pair %s/%s end in a namespace; vserverx keeps a veth's host side on the host", l.name, host.name)
	case host.mac != "":
		return fmt.Errorf("%s sets the MAC of the veth host side %s; vserverx derives it (first octet 06)", host.macAt, host.name)
	case host.mtu != 0 && host.mtu != l.mtu:
		return fmt.Errorf("the veth host side %s has MTU %d, the inside %d; vserverx gives both ends one MTU", host.name, host.mtu, l.mtu)
	}
	ifc.Host, ifc.Bridge = host.name, host.master
	if ifc.MTU == 0 {
		ifc.MTU = host.mtu
	}
	return nil
}

// setMAC copies an explicit MAC; a computed one becomes mac auto.
func (st *netState) setMAC(l *link, ifc *ProposedInterface) error {
	if l.macCmd && l.kind == config.TypePhys {
		return fmt.Errorf("%s: the MAC of device %s is computed by a command; for a phys device vserverx keeps its address or sets an explicit one", l.macAt, l.name)
	}
	if !l.macCmd {
		ifc.MAC = l.mac
	} else {
		ifc.IDMAC = l.macAt
	}
	return nil
}

func macNote(l *link, ifc ProposedInterface) []string {
	var notes []string
	switch {
	case l.macCmd:
		notes = append(notes, fmt.Sprintf("interface %d (%s): the MAC set at %s is computed by a command; it becomes mac auto, "+
			"which vserverx generates as 02, VLAN id, namespace id, interface number (the historical scheme)", ifc.Num, ifc.Name, l.macAt))
	case l.mac == "" && l.kind != config.TypePhys:
		notes = append(notes, fmt.Sprintf("interface %d (%s): no MAC was set; vserverx generates one (mac auto)", ifc.Num, ifc.Name))
	}
	if l.noMode {
		notes = append(notes, fmt.Sprintf("interface %d (%s): created without a macvlan mode, which the kernel makes vepa; vserverx uses bridge", ifc.Num, ifc.Name))
	}
	return notes
}

// addAddr records address cidr of device l; a bare address gets a full
// prefix, as ip does.
func addAddr(l *link, cidr string) error {
	if a, err := netip.ParseAddr(cidr); err == nil {
		cidr = netip.PrefixFrom(a, a.BitLen()).String()
	}
	if _, err := config.ParseAddr(cidr); err != nil {
		return err
	}
	if l.ipSet == nil {
		l.ipSet = map[string]bool{}
	}
	if !l.ipSet[cidr] {
		l.ipSet[cidr] = true
		l.ips = append(l.ips, cidr)
	}
	return nil
}

// gatewayDevice returns the one device of namespace ns with an address
// whose prefix holds gw.
func (st *netState) gatewayDevice(ns string, gw netip.Addr) *link {
	var found []*link
	for _, l := range st.links {
		if l.ns != ns {
			continue
		}
		for _, s := range l.ips {
			if p, err := netip.ParsePrefix(s); err == nil && p.Masked().Contains(gw) {
				found = append(found, l)
				break
			}
		}
	}
	if len(found) != 1 {
		return nil
	}
	return found[0]
}
