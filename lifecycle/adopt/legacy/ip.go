// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace/scriptlets"
)

// ipCmd is one ip command being read: the words after the program.
type ipCmd struct {
	r      *reader
	c      *scriptlets.Command
	ns     string // the namespace it works in: -n X or netns exec X ("" = host)
	args   []scriptlets.Word
	family string // -4, -6 or ""
}

// ip reads the ip command whose words after the program are args, run in
// namespace ns ("" = host).
func (r *reader) ip(c *scriptlets.Command, args []scriptlets.Word, ns string) error {
	ic := &ipCmd{r: r, c: c, ns: ns, args: args}
	return ic.read()
}

func (c *ipCmd) read() error {
	if err := c.options(); err != nil {
		return err
	}
	obj, err := c.next("an object (link, addr, route, rule, netns)")
	if err != nil {
		return err
	}
	switch obj {
	case "netns":
		return c.netns()
	case "link", "l":
		return c.link()
	case "addr", "address", "a":
		return c.sub("add", c.addrAdd)
	case "route", "r", "ro":
		return c.sub("add", c.routeAdd)
	case "rule", "ru":
		return c.sub("add", c.ruleAdd)
	}
	return c.refuse("ip %s is not understood", obj)
}

func (c *ipCmd) refuse(format string, args ...any) error {
	return refuse(c.c.File, c.c.Line, format, args...)
}

func (c *ipCmd) at() string { return at(c.c) }

// next takes the next word, which must be constant; what names it for
// the message when it is missing.
func (c *ipCmd) next(what string) (string, error) {
	if len(c.args) == 0 {
		return "", c.refuse("%q: %s is missing", c.c.Raw, what)
	}
	v := c.args[0]
	c.args = c.args[1:]
	switch {
	case v.Why != "":
		return "", c.refuse("%s", v.Why)
	case v.Computed:
		return "", c.refuse("%s %q is computed at run time by a command; only constant values are understood", what, v.Text)
	}
	return v.S, nil
}

// options reads ip's global options: -n/-netns X, -4, -6.
func (c *ipCmd) options() error {
	for len(c.args) > 0 {
		opt := c.args[0].S
		if len(opt) == 0 || opt[0] != '-' {
			return nil
		}
		c.args = c.args[1:]
		switch opt {
		case "-4", "-6":
			c.family = opt
		case "-n", "-netns":
			x, err := c.next("the namespace of " + opt)
			if err != nil {
				return err
			}
			if err := c.enter(x); err != nil {
				return err
			}
		default:
			return c.refuse("ip option %s is not understood (-n, -netns, -4, -6 are)", opt)
		}
	}
	return nil
}

// enter makes the command work inside namespace x.
func (c *ipCmd) enter(x string) error {
	if c.ns != "" && c.ns != x {
		return c.refuse("works in namespace %q and %q at once", c.ns, x)
	}
	c.ns = x
	return c.useNS(x)
}

func (c *ipCmd) useNS(x string) error {
	if err := c.r.net.useNS(x, c.at()); err != nil {
		return c.refuse("%v", err)
	}
	return nil
}

// sub checks that the subcommand is want and runs f.
func (c *ipCmd) sub(want string, f func() error) error {
	s, err := c.next("a subcommand")
	if err != nil {
		return err
	}
	if s != want {
		return c.refuse("%q: only %s is understood here, not %s", c.c.Raw, want, s)
	}
	return f()
}

// netns reads ip netns add|delete|del X and ip netns exec X ip ...
func (c *ipCmd) netns() error {
	s, err := c.next("a netns subcommand")
	if err != nil {
		return err
	}
	if s != "add" && s != "delete" && s != "del" && s != "exec" {
		return c.refuse("ip netns %s is not understood (add, delete, exec are)", s)
	}
	x, err := c.next("the namespace name")
	if err != nil {
		return err
	}
	if s != "exec" {
		return c.end(c.useNS(x))
	}
	return c.exec(x)
}

// exec reads ip netns exec X: the command must be ip again.
func (c *ipCmd) exec(x string) error {
	if err := c.enter(x); err != nil {
		return err
	}
	prog, err := c.next("the command to run in the namespace")
	if err != nil {
		return err
	}
	if !scriptlets.IsIP(prog) {
		return c.execOther(x, prog)
	}
	return c.r.ip(c.c, c.args, c.ns)
}

// end refuses words left over after a complete command.
func (c *ipCmd) end(err error) error {
	if err == nil && len(c.args) > 0 {
		return c.refuse("%q: %q is not understood", c.c.Raw, c.args[0].Text)
	}
	return err
}

// link reads ip link add|set|del.
func (c *ipCmd) link() error {
	s, err := c.next("a link subcommand")
	if err != nil {
		return err
	}
	switch s {
	case "add":
		return c.linkAdd()
	case "set":
		return c.linkSet()
	case "del", "delete":
		return nil // vserverx tears down by itself
	}
	return c.refuse("ip link %s is not understood (add, set, del are)", s)
}

// newLink is what ip link add asks for.
type newLink struct {
	link
	peerName string
}

// linkAdd reads ip link add [link P] [name] D [address MAC] [mtu N] type
// vlan id V | macvlan [mode M] | veth peer [name] B.
func (c *ipCmd) linkAdd() error {
	nl := &newLink{link: link{ns: c.ns, from: c.at(), file: c.c.File, line: c.c.Line}}
	if err := c.linkAddArgs(nl); err != nil {
		return err
	}
	if err := c.typeArgs(nl); err != nil {
		return err
	}
	if err := c.checkNames(nl.name, nl.peerName); err != nil {
		return err
	}
	return c.create(nl)
}

func (c *ipCmd) linkAddArgs(nl *newLink) error {
	for len(c.args) > 0 {
		w, err := c.next("")
		if err != nil {
			return err
		}
		switch w {
		case "link":
			nl.parent, err = c.next("the parent of link")
		case "name", "dev":
			nl.name, err = c.next("the name")
		case "address":
			err = c.macArg(&nl.link)
		case "mtu":
			nl.mtu, err = c.number("mtu", config.MinMTU, config.MaxMTU)
		case "type":
			t, err := c.next("the link type")
			nl.kind = config.LinkType(t)
			return err
		default:
			if nl.name != "" {
				return c.refuse("%q: %q is not understood", c.c.Raw, w)
			}
			nl.name = w
		}
		if err != nil {
			return err
		}
	}
	return c.refuse("%q: the link type is missing", c.c.Raw)
}

// typeArgs reads the arguments after type T.
func (c *ipCmd) typeArgs(nl *newLink) error {
	switch nl.kind {
	case config.TypeVLAN:
		return c.vlanArgs(nl)
	case config.TypeMacvlan:
		return c.macvlanArgs(nl)
	case config.TypeVeth:
		return c.vethArgs(nl)
	}
	return c.refuse("link type %q is not understood (vlan, macvlan, veth are)", nl.kind)
}

func (c *ipCmd) vlanArgs(nl *newLink) error {
	if w, err := c.next("id"); err != nil || w != "id" {
		return c.end(c.refuse("%q: a vlan needs id V", c.c.Raw))
	}
	id, err := c.number("VLAN id", config.MinVLAN, config.MaxVLAN)
	nl.vlan = id
	if err == nil && nl.parent == "" {
		err = c.refuse("%q: a vlan needs its parent (link P)", c.c.Raw)
	}
	return c.end(err)
}

func (c *ipCmd) macvlanArgs(nl *newLink) error {
	nl.mode, nl.noMode = config.ModeBridge, true
	if len(c.args) > 0 {
		if w, err := c.next("mode"); err != nil || w != "mode" {
			return c.end(c.refuse("%q: only mode M is understood after type macvlan", c.c.Raw))
		}
		m, err := c.next("the macvlan mode")
		if err != nil {
			return err
		}
		if !slices.Contains(config.MacvlanModes, config.MacvlanMode(m)) {
			return c.refuse("macvlan mode %q is not one vserverx knows", m)
		}
		nl.mode, nl.noMode = config.MacvlanMode(m), false
	}
	if nl.parent == "" {
		return c.refuse("%q: a macvlan needs its parent (link P)", c.c.Raw)
	}
	return c.end(nil)
}

func (c *ipCmd) vethArgs(nl *newLink) error {
	if w, err := c.next("peer"); err != nil || w != "peer" {
		return c.end(c.refuse("%q: a veth needs peer name B", c.c.Raw))
	}
	w, err := c.next("the peer name")
	if err == nil && w == "name" {
		w, err = c.next("the peer name")
	}
	nl.peerName = w
	return c.end(err)
}

func (c *ipCmd) checkNames(names ...string) error {
	for _, n := range names {
		if n == "" {
			continue
		}
		if err := config.ValidateIfName(n); err != nil {
			return c.refuse("%v", err)
		}
	}
	return nil
}

// create records the new device(s).
func (c *ipCmd) create(nl *newLink) error {
	if nl.name == "" {
		return c.refuse("%q: the device name is missing", c.c.Raw)
	}
	if c.ns != "" {
		return c.refuse("creates %s inside namespace %s; vserverx creates links from the host side (a vlan or macvlan on a host parent, a veth with one end on the host): "+
			"create it on the host and move it in with ip link set dev %s netns %s", nl.name, c.ns, nl.name, c.ns)
	}
	l := nl.link
	if l.kind == config.TypeVeth {
		peer := &link{name: nl.peerName, kind: config.TypeVeth, from: l.from, file: l.file, line: l.line}
		l.peer, peer.peer = peer, &l
		if err := c.r.net.add(peer); err != nil {
			return c.refuse("%v", err)
		}
	}
	if err := c.r.net.add(&l); err != nil {
		return c.refuse("%v", err)
	}
	return nil
}

func (c *ipCmd) number(what string, lo, hi int) (int, error) {
	s, err := c.next(what)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, c.refuse("%s %q is not a number %d–%d", what, s, lo, hi)
	}
	return n, nil
}

// macArg reads the address after "address": constant and valid, or
// computed by a command (then it becomes mac auto).
func (c *ipCmd) macArg(l *link) error {
	if len(c.args) == 0 {
		return c.refuse("%q: the address is missing", c.c.Raw)
	}
	v := c.args[0]
	c.args = c.args[1:]
	l.macAt = c.at()
	switch {
	case v.Why != "":
		return c.refuse("%s", v.Why)
	case v.Computed:
		l.mac, l.macCmd = "", true
		return nil
	}
	if _, _, err := config.ParseMAC(v.S); err != nil || v.S == config.MACAutoValue {
		return c.refuse("%q is not a MAC address", v.S)
	}
	l.mac, l.macCmd = v.S, false
	return nil
}

// linkChange is what one ip link set asks for.
type linkChange struct {
	dev, name, netns, master string
	mtu                      int
	updown                   bool
	mac                      *link // holds the address, when one is set
}

// linkSet reads ip link set [dev] D with up, down, address, netns, name,
// mtu and master.
func (c *ipCmd) linkSet() error {
	ch, err := c.linkSetArgs()
	if err != nil {
		return err
	}
	l, err := c.target(ch)
	if err != nil || l == nil {
		return err
	}
	return c.apply(l, ch)
}

func (c *ipCmd) linkSetArgs() (*linkChange, error) {
	ch := &linkChange{}
	for len(c.args) > 0 {
		var err error
		w := c.args[0].S
		if w == "address" {
			c.args = c.args[1:]
			ch.mac = &link{}
			if err = c.macArg(ch.mac); err != nil {
				return nil, err
			}
			continue
		}
		if w, err = c.next("the device"); err != nil {
			return nil, err
		}
		switch w {
		case "dev":
			ch.dev, err = c.next("the device")
		case "up", "down":
			ch.updown = true
		case "netns":
			ch.netns, err = c.next("the namespace")
		case "name":
			ch.name, err = c.next("the new name")
		case "mtu":
			ch.mtu, err = c.number("mtu", config.MinMTU, config.MaxMTU)
		case "master":
			ch.master, err = c.next("the bridge")
		default:
			if ch.dev != "" {
				return nil, c.refuse("%q: %q is not understood (up, down, address, netns, name, mtu, master are)", c.c.Raw, w)
			}
			ch.dev = w
		}
		if err != nil {
			return nil, err
		}
	}
	if ch.dev == "" {
		return nil, c.refuse("%q: the device is missing", c.c.Raw)
	}
	return ch, c.checkNames(ch.name)
}

// target finds the device a link set works on. A host device the
// scriptlets did not create becomes a phys device when it is moved in;
// only setting it up is accepted otherwise (with a note). nil, nil: the
// command needs nothing more.
func (c *ipCmd) target(ch *linkChange) (*link, error) {
	if l := c.r.net.find(c.ns, ch.dev); l != nil {
		return l, nil
	}
	onlyUp := ch.name == "" && ch.netns == "" && ch.mac == nil && ch.mtu == 0 && ch.master == ""
	switch {
	case ch.dev == config.LoopbackName && onlyUp:
		return nil, nil // vserverx brings lo up
	case c.ns != "":
		return nil, c.refuse("device %s is not in namespace %s: no scriptlet creates it or moves it there before this line", ch.dev, c.ns)
	case ch.netns != "":
		l := &link{name: ch.dev, kind: config.TypePhys, parent: ch.dev, from: c.at(), file: c.c.File, line: c.c.Line}
		if err := c.r.net.add(l); err != nil {
			return nil, c.refuse("%v", err)
		}
		return l, nil
	case onlyUp:
		c.r.net.note(fmt.Sprintf("%s sets host device %s up; vserverx does not: the host must bring it up itself", c.at(), ch.dev))
		return nil, nil
	}
	return nil, c.refuse("changes host device %s, which the scriptlets neither create nor move into the namespace", ch.dev)
}

func (c *ipCmd) apply(l *link, ch *linkChange) error {
	if ch.mac != nil {
		l.mac, l.macAt, l.macCmd = ch.mac.mac, ch.mac.macAt, ch.mac.macCmd
	}
	if ch.mtu != 0 {
		l.mtu = ch.mtu
	}
	if ch.master != "" {
		l.master = ch.master
	}
	if ch.name != "" {
		if other := c.r.net.find(l.ns, ch.name); other != nil && other != l {
			return c.refuse("renames %s to %s, a name %s already uses", l.name, ch.name, other.from)
		}
		c.r.net.place(l, l.ns, ch.name)
	}
	if ch.netns != "" {
		return c.move(l, ch.netns)
	}
	return nil
}

func (c *ipCmd) move(l *link, x string) error {
	if l.ns != "" && l.ns != x {
		return c.refuse("moves %s out of namespace %s; not understood", l.name, l.ns)
	}
	if err := c.useNS(x); err != nil {
		return err
	}
	if other := c.r.net.find(x, l.name); other != nil && other != l {
		return c.refuse("moves %s into namespace %s, where %s already has that name", l.name, x, other.from)
	}
	c.r.net.place(l, x, l.name)
	return nil
}

// addrAdd reads ip addr add CIDR [brd +] dev D.
func (c *ipCmd) addrAdd() error {
	var cidr, dev string
	for len(c.args) > 0 {
		w, err := c.next("the address")
		switch {
		case err != nil:
			return err
		case w == "dev":
			dev, err = c.next("the device")
		case w == "local":
			cidr, err = c.next("the address")
		case w == "brd" || w == "broadcast":
			var b string
			if b, err = c.next("the broadcast address"); err == nil && b != "+" {
				err = c.refuse("an explicit broadcast address %s is not understood (brd + is)", b)
			}
		case cidr == "":
			cidr = w
		default:
			err = c.refuse("%q: %q is not understood", c.c.Raw, w)
		}
		if err != nil {
			return err
		}
	}
	return c.addAddr(cidr, dev)
}

func (c *ipCmd) addAddr(cidr, dev string) error {
	if cidr == "" || dev == "" {
		return c.refuse("%q: ip addr add needs an address and dev D", c.c.Raw)
	}
	if c.ns == "" {
		return c.refuse("adds %s to %s on the host; vserverx sets addresses only inside the namespace (and moving a link into a namespace drops its addresses)", cidr, dev)
	}
	if dev == config.LoopbackName && (cidr == "127.0.0.1/8" || cidr == "::1/128") {
		return nil // lo has these addresses in every namespace
	}
	l := c.r.net.find(c.ns, dev)
	if l == nil {
		return c.refuse("device %s is not in namespace %s: no scriptlet creates it or moves it there before this line", dev, c.ns)
	}
	if err := addAddr(l, cidr); err != nil {
		return c.refuse("%v", err)
	}
	return nil
}

// defaultRoutes are the destinations ip reads as a default route.
var defaultRoutes = []string{"default", "0.0.0.0/0", "::/0"}

// routeAdd reads ip route add default via GW [dev D] (a gateway file
// entry) or any other route the routes file knows (routeLine).
func (c *ipCmd) routeAdd() error {
	var words []string
	for len(c.args) > 0 {
		w, err := c.next("the destination")
		if err != nil {
			return err
		}
		words = append(words, w)
	}
	if via, dev, ok := plainDefault(words); ok {
		return c.addGateway(via, dev)
	}
	return c.routeLine(words)
}

// plainDefault reports whether words are default via GW [dev D], and
// returns GW and D.
func plainDefault(words []string) (via, dev string, ok bool) {
	if len(words) == 0 || !slices.Contains(defaultRoutes, words[0]) {
		return "", "", false
	}
	for i := 1; i+1 < len(words); i += 2 {
		switch words[i] {
		case "via":
			via = words[i+1]
		case "dev":
			dev = words[i+1]
		default:
			return "", "", false
		}
	}
	return via, dev, len(words)%2 == 1 && via != ""
}

func (c *ipCmd) addGateway(via, dev string) error {
	if c.ns == "" {
		return c.refuse("adds a default route on the host; vserverx sets routes only inside the namespace")
	}
	gw, err := config.ParseGateway(via)
	if err != nil {
		return c.refuse("%v", err)
	}
	l := c.r.net.find(c.ns, dev)
	if dev == "" {
		l = c.r.net.gatewayDevice(c.ns, gw)
	}
	if l == nil {
		return c.refuse("cannot tell which interface of namespace %s the default route via %s uses; name it with dev D", c.ns, via)
	}
	l.gws = appendNew(l.gws, netip.Addr.String(gw))
	return nil
}
