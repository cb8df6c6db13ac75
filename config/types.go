// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"net"
	"net/netip"
	"path/filepath"
	"strings"
)

// LinkType is the kind of an interface in a namespace definition
// (the content of interfaces/N/type).
type LinkType string

// The link types vserverx can create or move into a namespace.
const (
	TypeVLAN    LinkType = "vlan"    // ip link add link PARENT name D type vlan id ID
	TypeMacvlan LinkType = "macvlan" // ip link add link PARENT name D type macvlan mode MODE
	TypeIPVlan  LinkType = "ipvlan"  // ip link add link PARENT name D type ipvlan mode MODE FLAG
	TypeVeth    LinkType = "veth"    // ip link add D type veth peer name HOST
	TypePhys    LinkType = "phys"    // ip link set DEV netns X
)

// LinkTypes lists the allowed values of interfaces/N/type, in the order the
// documentation shows them.
var LinkTypes = []LinkType{TypeVLAN, TypeMacvlan, TypeIPVlan, TypeVeth, TypePhys}

// MacvlanMode is the content of interfaces/N/mode.
type MacvlanMode string

// The macvlan modes. The kernel's default is vepa; vserverx's is bridge and
// it always sets the mode explicitly.
const (
	ModeBridge   MacvlanMode = "bridge"
	ModePrivate  MacvlanMode = "private"
	ModeVEPA     MacvlanMode = "vepa"
	ModePassthru MacvlanMode = "passthru"
)

// MacvlanModes lists the allowed values of interfaces/N/mode.
var MacvlanModes = []MacvlanMode{ModeBridge, ModePrivate, ModeVEPA, ModePassthru}

// Interface is one validated interfaces/N/ directory of a namespace
// definition. It is plain data: the netns package turns it into links.
type Interface struct {
	Num  int    // N, 0–255: the interface number used in generated MACs
	Dir  string // path of CONFDIR/.netns/X/interfaces/N, for error messages
	Type LinkType

	Link string      // host device: parent of vlan/macvlan/ipvlan, the device phys moves in
	VLAN int         // 802.1Q id 1–4094 for vlan, 0 otherwise
	Mode MacvlanMode // macvlan only ("" for other types); ModeBridge when the file is absent
	// IPVlanMode and IPVlanFlag are ipvlan's mode (IPVlanL2 when the file
	// is absent) and flags file (IPVlanBridge when absent); "" for other
	// types.
	IPVlanMode IPVlanMode
	IPVlanFlag IPVlanFlag
	Name       string // name inside the namespace; "ethN" by default
	Host       string // veth only: host-side peer name (default derived)
	Bridge     string // veth only: host bridge for the host side, "" for none

	MAC     net.HardwareAddr // address inside the namespace (generated or explicit); nil for phys without an explicit mac (it keeps its own) and for ipvlan (its parent's)
	MACAuto bool             // true when mac is "auto" (the default, not for phys) and MAC is generated (nil when the id is unknown: a Problem)
	HostMAC net.HardwareAddr // veth only: the host side's address (first octet 06 when generated)
	MTU     int              // 0 means: leave the kernel's default

	Addrs    []netip.Prefix // interfaces/N/ip, in file order
	Gateways []netip.Addr   // interfaces/N/gateway, in file order

	DAD   DADMode // interfaces/N/dad: IPv6 duplicate address detection (DADWait when absent)
	ACD   bool    // interfaces/N/acd is yes: probe each IPv4 address by ARP before adding it
	SLAAC bool    // interfaces/N/slaac is yes: accept router advertisements and autoconfigure
}

// File returns the path of one key file of this interface, for messages.
func (i *Interface) File(key string) string { return filepath.Join(i.Dir, key) }

// Sysctl is one file of CONFDIR/.netns/X/sysctl/: key (file name) and value.
type Sysctl struct {
	Key   string // e.g. net.ipv4.ip_forward
	Value string
	File  string // path of the file, for messages
}

// Path returns the /proc/sys path of the key (dots become slashes).
func (s Sysctl) Path() string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(s.Key, ".", "/"))
}

// Namespace is a validated namespace definition CONFDIR/.netns/X/ — or the
// implicit, empty definition of a guest whose spaces/net names itself.
type Namespace struct {
	Name    string // X
	Dir     string // CONFDIR/.netns/X (may not exist when Defined is false)
	Defined bool   // the definition directory exists

	ID     int    // number used in generated MACs
	HasID  bool   // ID is known (from the id file or guest X's context)
	IDFrom string // the file the ID was read from, for messages

	Interfaces    []Interface // sorted by Num
	Sysctls       []Sysctl    // sorted by Key
	Routes        []Route     // the routes file, in file order
	Rules         []Rule      // the rules file, in file order (a line without from/to: one per family)
	NoVprocunhide bool        // the novprocunhide file exists
	// Nftables is the path of the nftables ruleset file, loaded inside the
	// namespace before any interface is UP; "" when there is none.
	Nftables string
}

// Guest is one util-vserver guest configuration directory CONFDIR/NAME/, as
// far as vserverx needs it.
type Guest struct {
	Name string
	Dir  string // CONFDIR/NAME

	Context    int  // static context id from the context file
	HasContext bool // the context file exists and holds a valid id (else a Problem is recorded)

	HasSpacesNet bool   // spaces/net exists
	SpacesNet    string // its first line, trimmed ("" = private space, "0" = none)
	// SpacesNetUnterminated is true when spaces/net holds a value on a
	// last line without a newline: util-vserver's `read` then fails and it
	// treats the file as empty (a private net space), not as X.
	SpacesNetUnterminated bool
	// SpacesNetInvalid says why spaces/net names no valid namespace (nil
	// when it does, or names none); the Tree records it as a Problem of the
	// guest. vserverx refuses to start or stop such a guest.
	SpacesNetInvalid error

	HasCleanupSkip bool     // namespace-cleanup-skip exists
	CleanupSkip    []string // its lines (comments and blanks dropped)

	Marks   []string // apps/init/mark
	Depends []string // apps/init/depends

	Disabled     bool // the disabled file exists
	HasVdir      bool // the vdir entry exists
	HasUtilNetns bool // util-vserver's own netns/ directory exists (0.30.216+)

	// Classic is util-vserver's own network configuration of the guest,
	// interfaces/N/ in util-vserver's order (see ClassicInterface).
	Classic     []ClassicInterface
	NContext    int  // the ncontext file: network context id for util-vserver's chbind
	HasNContext bool // the ncontext file exists and holds a valid id

	classicProbs Problems // what is wrong in interfaces/ and ncontext; reported by CheckClassic
}

// SharedNetns returns the name X that spaces/net says this guest shares, or
// "" when spaces/net is absent, empty (private space) or "0" (none).
func (g *Guest) SharedNetns() string {
	if !g.HasSpacesNet || g.SpacesNet == "" || g.SpacesNet == "0" {
		return ""
	}
	return g.SpacesNet
}

// File returns the path of a file in the guest's confdir, for messages.
func (g *Guest) File(rel string) string { return filepath.Join(g.Dir, rel) }

// Paths are the locations vserverx works with; each has a global option
// (--confdir, --vserver, --util-vserver-vars, --netns-dir, --state-dir,
// --nft).
type Paths struct {
	ConfDir  string // /etc/vservers
	Vserver  string // util-vserver's vserver command
	VarsFile string // /usr/lib/util-vserver/util-vserver-vars
	NetnsDir string // /run/netns
	StateDir string // /run/vserverx
	Nft      string // nftables' nft command, for namespaces with a ruleset (--nft)

	Vspace      string // util-vserver's vspace (from util-vserver-vars), "" if unknown
	Vprocunhide string // util-vserver's vprocunhide (from util-vserver-vars), "" if unknown
}

// Group is the set of guests whose spaces/net names the same managed
// namespace, with that namespace's definition.
type Group struct {
	NS      *Namespace
	Members []*Guest // sorted by name
}

// MemberNames returns the names of the group's guests.
func (g *Group) MemberNames() []string {
	names := make([]string, len(g.Members))
	for i, m := range g.Members {
		names[i] = m.Name
	}
	return names
}

// Severity says whether a Problem refuses the guest (SeverityError, the
// default) or is only worth telling (SeverityWarning).
type Severity int

// The severities of a Problem.
const (
	SeverityError   Severity = iota // vserverx must not act on the guest
	SeverityWarning                 // works, but probably not as intended
)

// Problem is one thing wrong with a configuration: the file it is about and
// what is wrong there (including what is allowed).
type Problem struct {
	File     string
	Msg      string
	Severity Severity
}

func (p Problem) Error() string {
	s := p.Msg
	if p.File != "" {
		s = p.File + ": " + s
	}
	if p.Severity == SeverityWarning {
		s = "warning: " + s
	}
	return s
}

// Problems is every problem found in a configuration; it is an error when
// it holds at least one of SeverityError.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns ps as an error, or nil when none of them is an error
// (no problems, or only warnings).
func (ps Problems) Err() error {
	if len(ps.Errors()) == 0 {
		return nil
	}
	return ps
}

// Errors returns the problems of SeverityError.
func (ps Problems) Errors() Problems { return ps.of(SeverityError) }

// Warnings returns the problems of SeverityWarning.
func (ps Problems) Warnings() Problems { return ps.of(SeverityWarning) }

func (ps Problems) of(sev Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == sev {
			out = append(out, p)
		}
	}
	return out
}
