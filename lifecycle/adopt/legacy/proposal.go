// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// ErrNone is returned (wrapped, naming what was looked for) when a guest has
// no network configuration of the kind a reader reads.
var ErrNone = errors.New("no old network configuration of this kind")

// RefuseError is a configuration the readers understand only partly, or not
// at all: adopting it would change what the guest gets. File and Line name
// where (Line is 0 when the whole file or directory is meant).
type RefuseError struct {
	File string
	Line int
	Msg  string
}

func (e *RefuseError) Error() string {
	at := e.File
	if e.Line > 0 {
		at += ":" + strconv.Itoa(e.Line)
	}
	return at + ": cannot adopt: " + e.Msg
}

func refuse(file string, line int, format string, args ...any) *RefuseError {
	return &RefuseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Proposal is what a reader found: the namespace X a guest's old
// configuration puts it in, and X's interfaces in vserverx's terms.
type Proposal struct {
	Guest  string // the guest whose configuration was read
	NS     string // the namespace X
	NSFrom string // the file (file:line for a scriptlet) that decided X

	// ID is the number for generated MACs, written to .netns/X/id when
	// HasID is true and X is not the guest's own name (whose context
	// supplies it then).
	ID         int
	HasID      bool
	IDFrom     string
	IDExplicit bool // the id was given (adopt --id): written also when X is the guest's own name

	Interfaces []ProposedInterface // numbered 0, 1, 2, ... in order of appearance
	Routes     string              // the routes file: routes other than plain default routes, "" for none
	Rules      string              // the rules file: policy rules, "" for none
	SharedOnly bool                // X is defined elsewhere: only spaces/net is to be written

	// DisableDefaults says that CONFDIR/NAME/nonetns must be created, so
	// that util-vserver stops applying CONFDIR/.defaults/netns to the guest.
	DisableDefaults bool

	// Nftables is the ruleset a scriptlet loads into X (the file's
	// content), written to .netns/X/nftables; NftablesFrom says where.
	Nftables, NftablesFrom string

	Notes   []string // what the administrator should know
	Sources []string // files and directories to move into the backup
}

// ProposedInterface is one interface of a Proposal: the content of
// .netns/X/interfaces/N/.
type ProposedInterface struct {
	Num      int
	Type     config.LinkType
	Link     string             // vlan/macvlan parent, or the host device phys moves in
	Name     string             // name inside X
	Host     string             // veth: host-side name
	Bridge   string             // veth: host bridge of the host side
	VLAN     int                // vlan: the VLAN id
	Mode     config.MacvlanMode // macvlan: the mode ("" = bridge)
	MAC      string             // explicit MAC; "" = auto (generated)
	MTU      int                // 0 = the kernel's default
	IPs      []string           // CIDR
	Gateways []string           // default routes via these
	From     string             // file:line or directory it was read from
	// IDMAC is where the old configuration derived the interface's MAC by
	// a computation that vserverx replaces by its generated MAC (mac auto,
	// from the namespace id); "" when no old MAC depends on the id.
	IDMAC string
}

// Render returns the files of the namespace definition CONFDIR/.netns/X/
// that the proposal stands for: path relative to that directory → content
// (one value per line, each ending in "\n"), as config.Load reads them. A
// SharedOnly proposal has none.
func (p *Proposal) Render() map[string]string {
	files := map[string]string{}
	if p.SharedOnly {
		return files
	}
	if p.HasID && (p.NS != p.Guest || p.IDExplicit) {
		files[config.NSID] = strconv.Itoa(p.ID) + "\n"
	}
	if p.NftablesFrom != "" {
		files[config.NSNftables] = p.Nftables
	}
	for _, ifc := range p.Interfaces {
		dir := path.Join(config.NSInterfaces, strconv.Itoa(ifc.Num))
		for key, v := range ifc.keys() {
			files[path.Join(dir, key)] = v
		}
	}
	p.renderRoutes(files)
	p.renderRules(files)
	return files
}

// keys returns the key files of the interface that differ from vserverx's
// defaults, with their content.
func (i ProposedInterface) keys() map[string]string {
	k := map[string]string{config.KeyType: string(i.Type) + "\n"}
	set := func(key, v string) {
		if v != "" {
			k[key] = v + "\n"
		}
	}
	set(config.KeyLink, i.Link)
	set(config.KeyName, i.Name)
	set(config.KeyHost, i.Host)
	set(config.KeyBridge, i.Bridge)
	set(config.KeyMAC, i.MAC)
	if i.Mode != "" && i.Mode != config.ModeBridge {
		set(config.KeyMode, string(i.Mode))
	}
	if i.VLAN != 0 {
		set(config.KeyVLAN, strconv.Itoa(i.VLAN))
	}
	if i.MTU != 0 {
		set(config.KeyMTU, strconv.Itoa(i.MTU))
	}
	set(config.KeyIP, strings.Join(i.IPs, "\n"))
	set(config.KeyGateway, strings.Join(i.Gateways, "\n"))
	return k
}

// Merge combines two proposals for the same guest: b's interfaces join a's,
// an interface of the same inside name must have the same settings (its
// addresses and gateways are joined), and both must name the same X. A
// conflict is an error naming both places.
func Merge(a, b *Proposal) (*Proposal, error) {
	if a.NS != b.NS {
		return nil, fmt.Errorf("cannot adopt: %s puts guest %s in namespace %q, %s in namespace %q",
			a.NSFrom, a.Guest, a.NS, b.NSFrom, b.NS)
	}
	out := *a
	out.Interfaces = slices.Clone(a.Interfaces)
	out.SharedOnly = a.SharedOnly && b.SharedOnly
	out.DisableDefaults = a.DisableDefaults || b.DisableDefaults
	if !out.HasID {
		out.ID, out.HasID, out.IDFrom = b.ID, b.HasID, b.IDFrom
	}
	if out.NftablesFrom == "" {
		out.Nftables, out.NftablesFrom = b.Nftables, b.NftablesFrom
	}
	for _, ifc := range b.Interfaces {
		if err := out.mergeInterface(ifc); err != nil {
			return nil, err
		}
	}
	out.Notes = appendNew(slices.Clone(a.Notes), b.Notes...)
	out.Sources = appendNew(slices.Clone(a.Sources), b.Sources...)
	return &out, nil
}

func (p *Proposal) mergeInterface(ifc ProposedInterface) error {
	for i := range p.Interfaces {
		have := &p.Interfaces[i]
		if have.Name != ifc.Name {
			continue
		}
		if have.settings() != ifc.settings() {
			return fmt.Errorf("cannot adopt: interface %s of namespace %s is %s in %s but %s in %s",
				ifc.Name, p.NS, have.settings(), have.From, ifc.settings(), ifc.From)
		}
		have.IPs = appendNew(slices.Clone(have.IPs), ifc.IPs...)
		have.Gateways = appendNew(slices.Clone(have.Gateways), ifc.Gateways...)
		return nil
	}
	ifc.Num = len(p.Interfaces)
	p.Interfaces = append(p.Interfaces, ifc)
	return nil
}

// settings describes everything of the interface but its number, addresses
// and origin, for comparing and for messages.
func (i ProposedInterface) settings() string {
	s := fmt.Sprintf("type %s", i.Type)
	for _, kv := range [][2]string{{"link", i.Link}, {"host", i.Host}, {"bridge", i.Bridge},
		{"vlan", itoa0(i.VLAN)}, {"mode", string(i.Mode)}, {"mac", i.MAC}, {"mtu", itoa0(i.MTU)}} {
		if kv[1] != "" {
			s += " " + kv[0] + " " + kv[1]
		}
	}
	return s
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// appendNew appends the values of add that list does not hold yet.
func appendNew(list []string, add ...string) []string {
	for _, v := range add {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
