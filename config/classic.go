// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// Files of util-vserver's classic network configuration of a guest
// (relative to CONFDIR/NAME), and the host-wide vlandev switch.
const (
	GuestInterfaces  = "interfaces"
	GuestNContext    = "ncontext"
	DefaultsVlanDev  = ".defaults/interfaces/vlandev" // relative to CONFDIR
	classicKeyIP     = "ip"
	classicKeyDev    = "dev"
	classicKeyPrefix = "prefix"
	classicKeyMask   = "mask"
	classicKeyBcast  = "bcast"
	classicKeyName   = "name"
	classicKeyScope  = "scope"
	classicKeyPeer   = "peer"
	classicKeyGW     = "gw"
)

// ClassicInterface is one entry interfaces/N/ of a guest's util-vserver
// network configuration, resolved the way util-vserver's
// _processSingleInterface resolves it: dev, prefix, mask, bcast and scope
// fall back to the files directly in interfaces/; prefix wins over mask at
// any level; the vlandev switch comes from N/vlandev, interfaces/vlandev or
// CONFDIR/.defaults/interfaces/vlandev, unless a novlandev says otherwise.
//
// At start util-vserver runs, for an enabled entry without nodev,
// `ip addr add IP[/PREFIX] [broadcast BCAST|+] [label DEV:NAME] dev DEV
// [peer PEER]` and `ip link set DEV up` (no up with down); at stop
// `ip addr del` with the same words.
type ClassicInterface struct {
	Dir string // CONFDIR/NAME/interfaces/N (N: any directory name)

	IP        netip.Addr // interfaces/N/ip (invalid when missing or unparsable: a Problem)
	Prefix    int        // prefix length from prefix, mask or ip's own "/LEN"
	HasPrefix bool       // false: util-vserver gives no length, iproute2 uses a host prefix
	Dev       string     // device the address goes on ("" only with NoDev)
	Name      string     // label DEV:NAME when not ""
	Scope     string     // read and inherited by util-vserver, not passed to ip
	Bcast     string     // broadcast value; "" means util-vserver's default "+" (IPv4 only)
	Peer      string     // peer address for point-to-point, "" for none
	Gateway   netip.Addr // gw (util-vserver 0.30.216+): ip route add default via GW dev DEV

	Disabled bool // disabled: util-vserver skips the entry entirely (nothing else is read)
	NoDev    bool // nodev (or the legacy only_ip): address for chbind only, no ip command
	Down     bool // down: no ip link set DEV up
	VlanDev  bool // the vlandev switch is on for this entry (see VlanDevFile)
	Indirect bool // indirect: util-vserver's dummy-interface path
	Tun      bool // tun or tap: util-vserver creates DEV with tunctl first

	// From maps a key (ip, dev, prefix, mask, bcast, scope, vlandev, ...)
	// to the file its value was taken from, for messages.
	From map[string]string
}

// File returns the file the value of key came from, or Dir/key when the key
// was not set, for messages.
func (c *ClassicInterface) File(key string) string {
	if f, ok := c.From[key]; ok {
		return f
	}
	return filepath.Join(c.Dir, key)
}

// Addr returns the address as ip addr add would set it: with the
// configured prefix length, or a host prefix (/32, /128) when none is
// configured. It is invalid when IP is.
func (c *ClassicInterface) Addr() netip.Prefix {
	if !c.IP.IsValid() {
		return netip.Prefix{}
	}
	if c.HasPrefix {
		return netip.PrefixFrom(c.IP, c.Prefix)
	}
	return netip.PrefixFrom(c.IP, c.IP.BitLen())
}

// AddsAddress reports whether util-vserver runs ip addr add for the entry
// (enabled, not nodev, with a valid address).
func (c *ClassicInterface) AddsAddress() bool {
	return !c.Disabled && !c.NoDev && c.IP.IsValid()
}

// VLANParent returns, for a vlandev entry whose dev is named BASE.VID
// (util-vserver's DEV_PLUS_VID naming), the parent BASE and the VLAN id
// util-vserver creates with `ip link add link BASE name DEV type vlan id
// VID`. ok is false when the entry creates no VLAN device (no vlandev,
// nodev, or a dev without a dot; util-vserver refuses vlanNNN names).
func (c *ClassicInterface) VLANParent() (base, vid string, ok bool) {
	if !c.VlanDev || c.NoDev || c.Disabled || strings.HasPrefix(c.Dev, "vlan") {
		return "", "", false
	}
	first, _, found := strings.Cut(c.Dev, ".")
	if !found {
		return "", "", false
	}
	return first, c.Dev[strings.LastIndexByte(c.Dev, '.')+1:], true
}

// classicReader reads one guest's interfaces/ the way util-vserver does.
type classicReader struct {
	reader
	confdir string
	top     string // CONFDIR/NAME/interfaces
}

// loadClassic reads the guest's interfaces/ directory and ncontext into g.
// Every problem is recorded in g's own classic problems.
func loadClassic(g *Guest) {
	r := classicReader{reader: reader{probs: &g.classicProbs}, confdir: filepath.Dir(g.Dir), top: g.File(GuestInterfaces)}
	readNContext(r.reader, g)
	if !exists(r.top) {
		return
	}
	if !isDir(r.top) {
		r.add(r.top, "is not a directory; util-vserver's interfaces/ is a directory of entries interfaces/N/ (any name) and default files dev, prefix, mask, bcast, scope")
		return
	}
	for _, name := range r.dirEntries(r.top) { // util-vserver: interfaces/* in glob order, directories only
		if dir := filepath.Join(r.top, name); isDir(dir) {
			g.Classic = append(g.Classic, r.entry(dir))
		}
	}
}

// readNContext reads the guest's ncontext file (the network context id
// util-vserver's chbind would use).
func readNContext(r reader, g *Guest) {
	g.NContext, g.HasNContext = readIDFile(r, g.File(GuestNContext), "network context id")
}

// entry reads one interfaces/N directory.
func (r classicReader) entry(dir string) ClassicInterface {
	c := ClassicInterface{Dir: dir, From: map[string]string{}}
	if testE(filepath.Join(dir, "disabled")) {
		c.Disabled, c.From["disabled"] = true, filepath.Join(dir, "disabled")
		return c // util-vserver does not look any further
	}
	c.NoDev = testE(filepath.Join(dir, "nodev")) || testE(filepath.Join(dir, "only_ip"))
	c.Down = testE(filepath.Join(dir, "down"))
	c.Indirect = testE(filepath.Join(dir, "indirect"))
	c.Tun = testE(filepath.Join(dir, "tun")) || testE(filepath.Join(dir, "tap"))
	c.Dev = r.value(&c, classicKeyDev, dir, r.top)
	c.Name = r.value(&c, classicKeyName, dir)
	c.Scope = r.value(&c, classicKeyScope, dir, r.top)
	c.Bcast = r.value(&c, classicKeyBcast, dir, r.top)
	c.Peer = r.value(&c, classicKeyPeer, dir)
	r.vlanDev(&c)
	r.address(&c)
	r.gateway(&c)
	r.bcast(&c)
	return c
}

// value resolves key as util-vserver's _getInterfaceValue does: the dirs
// in order, each file's first line; a file whose line ends in a newline
// settles the value, a file without one (bash's read fails on it) gives
// its text only when no later file exists; missing files are skipped.
func (r classicReader) value(c *ClassicInterface, key string, dirs ...string) string {
	var val string
	for _, d := range dirs {
		path := filepath.Join(d, key)
		data, ok := r.read(path)
		if !ok {
			continue
		}
		val = ParseValue(data)
		c.From[key] = path
		if bytes.IndexByte(data, '\n') >= 0 {
			break
		}
	}
	if val == "" {
		delete(c.From, key)
	}
	return val
}

// vlanDev sets the vlandev switch with util-vserver's precedence: N/vlandev;
// or interfaces/vlandev unless N/novlandev; or the host-wide
// .defaults/interfaces/vlandev unless N/novlandev or interfaces/novlandev.
func (r classicReader) vlanDev(c *ClassicInterface) {
	own, guest := filepath.Join(c.Dir, "vlandev"), filepath.Join(r.top, "vlandev")
	host := filepath.Join(r.confdir, DefaultsVlanDev)
	noOwn, noGuest := testE(filepath.Join(c.Dir, "novlandev")), testE(filepath.Join(r.top, "novlandev"))
	switch {
	case testE(own):
		c.VlanDev, c.From["vlandev"] = true, own
	case testE(guest) && !noOwn:
		c.VlanDev, c.From["vlandev"] = true, guest
	case testE(host) && !noOwn && !noGuest:
		c.VlanDev, c.From["vlandev"] = true, host
	}
}

// address reads ip, prefix and mask. util-vserver requires ip (start fails
// without it) and dev unless nodev; prefix beats mask at any level; mask
// is converted to a prefix length; with neither, ip is used as written.
func (r classicReader) address(c *ClassicInterface) {
	ipText := r.value(c, classicKeyIP, c.Dir)
	prefix := r.value(c, classicKeyPrefix, c.Dir, r.top)
	mask := ""
	if prefix == "" {
		mask = r.value(c, classicKeyMask, c.Dir, r.top)
	}
	if c.Dev == "" && !c.NoDev {
		r.add(filepath.Join(c.Dir, classicKeyDev), "missing (here and in %s); util-vserver fails the start with \"No device specified for '%s'\": "+
			"write the device name here, or create %s if the address needs no device", filepath.Join(r.top, classicKeyDev), c.Dir, filepath.Join(c.Dir, "nodev"))
	}
	if ipText == "" {
		r.add(filepath.Join(c.Dir, classicKeyIP), "missing or empty; util-vserver fails the start with \"Can not read ip for '%s'\": "+
			"write the address here (like 192.0.2.5), or create %s", c.Dir, filepath.Join(c.Dir, "disabled"))
		return
	}
	r.parseIP(c, ipText, prefix != "" || mask != "")
	if !c.IP.IsValid() {
		return
	}
	switch {
	case prefix != "":
		r.parsePrefix(c, prefix)
	case mask != "":
		r.parseMask(c, mask)
	}
}

// parseIP parses the ip value: an address, or an address with "/LEN" when
// neither prefix nor mask is set (util-vserver appends "/PREFIX" to it).
func (r classicReader) parseIP(c *ClassicInterface, s string, hasLen bool) {
	file := c.File(classicKeyIP)
	if p, err := netip.ParsePrefix(s); err == nil && isUnicast(p.Addr()) {
		if hasLen {
			r.add(file, "%q has a prefix length and prefix or mask gives another: util-vserver would run ip addr add %s/LEN, which fails; "+
				"write the address without /%d here", s, s, p.Bits())
			return
		}
		c.IP, c.Prefix, c.HasPrefix = p.Addr(), p.Bits(), true
		return
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || !isUnicast(a) {
		r.add(file, "%q is not a unicast address; allowed: an IPv4 or IPv6 address like 192.0.2.5 or 2001:db8::5, "+
			"optionally with /LEN when neither prefix nor mask is set", s)
		return
	}
	c.IP = a
}

func (r classicReader) parsePrefix(c *ClassicInterface, s string) {
	n, err := parseNumber(s, "prefix length", 0, c.IP.BitLen())
	if err != nil {
		r.add(c.File(classicKeyPrefix), "%v (for %s)", err, c.IP)
		return
	}
	c.Prefix, c.HasPrefix = n, true
}

// parseMask converts a dotted IPv4 netmask to its prefix length, as
// util-vserver's mask2prefix does; 0.0.0.0 gives no length at all.
func (r classicReader) parseMask(c *ClassicInterface, s string) {
	file := c.File(classicKeyMask)
	n, err := maskToPrefix(s)
	if err != nil || !c.IP.Is4() {
		r.add(file, "%q is not a netmask for %s; allowed: a contiguous IPv4 netmask like 255.255.255.0 (for IPv6 write prefix instead)", s, c.IP)
		return
	}
	if n > 0 {
		c.Prefix, c.HasPrefix = n, true
	}
}

// maskToPrefix returns the prefix length of a contiguous IPv4 netmask.
func maskToPrefix(s string) (int, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return 0, fmt.Errorf("not an IPv4 netmask")
	}
	b := a.As4()
	m := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for m&0x80000000 != 0 {
		n++
		m <<= 1
	}
	if m != 0 {
		return 0, fmt.Errorf("not contiguous")
	}
	return n, nil
}

func (r classicReader) gateway(c *ClassicInterface) {
	s := r.value(c, classicKeyGW, c.Dir)
	if s == "" {
		return
	}
	a, err := ParseGateway(s)
	if err != nil {
		r.add(c.File(classicKeyGW), "%v", err)
		return
	}
	c.Gateway = a
}

// bcast checks the broadcast value: an IPv4 address, or iproute2's "+"
// (derived) or "-" (none).
func (r classicReader) bcast(c *ClassicInterface) {
	if c.Bcast == "" || c.Bcast == "+" || c.Bcast == "-" {
		return
	}
	if a, err := netip.ParseAddr(c.Bcast); err != nil || !a.Is4() {
		r.add(c.File(classicKeyBcast), "%q is not a broadcast address; allowed: an IPv4 address like 192.0.2.255, + (derived from the prefix) or -", c.Bcast)
	}
}

// testE reports whether path exists as bash's `test -e` sees it (a
// dangling symlink does not).
func testE(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
