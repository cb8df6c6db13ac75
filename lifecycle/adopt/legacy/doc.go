// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package legacy reads the network configuration a guest had before
// vserverx — util-vserver's own netns/ directory and hand-written ip
// scriptlets — and proposes the same thing in vserverx's terms: a namespace
// X and its interfaces, ready to be written as CONFDIR/.netns/X/ (see
// Proposal.Render) with spaces/net = X. It only reads; moving the old files
// into a backup and writing the new ones is the caller's job.
//
// Both readers either understand a configuration completely or refuse it
// with a *RefuseError naming the file (and line) and what is not understood:
// a partly understood configuration would give the guest a different
// network after adoption. A guest without such configuration gives an error
// wrapping ErrNone. Merge combines proposals of several sources.
//
// # util-vserver's netns/ (ReadUtilNetns)
//
// Read as util-vserver's _handleNetNS does: CONFDIR/NAME/netns, else
// CONFDIR/.defaults/netns, unless CONFDIR/NAME/nonetns exists. X is the
// first line of name (default: the guest name). shared means X is set up by
// another guest: only spaces/net is proposed (SharedOnly). Every entry of
// interfaces/, in byte order, is interface K (K = 0, 1, ...): type veth
// (the default) with host as the host side (default veth + the guest's
// ncontext or context), or type macvlan with host as its parent (default
// eth0) in bridge mode; the name inside is guest (default gethK). Refused:
// other types (util-vserver cannot create them either), entries of
// interfaces/ that are not directories (util-vserver would make an
// interface of them too), names the kernel or vserverx does not accept. A
// .defaults/netns is shared by other guests: it stays, a note says so, and
// DisableDefaults asks for a nonetns file for the adopted guest. util-vserver's
// netns/ sets no addresses; those come from the guest's interfaces/.
//
// # Hand-written scriptlets (ReadScriptlets)
//
// The files util-vserver runs from the guest's scripts/ for each phase
// (vspace/scriptlets.GuestFiles; a symbolic link is read where it leads,
// which must be inside the confdir) are read in the order they run, by one
// shared state: a device may be created in one file and configured in the
// next. Each file is walked for its phase by vspace/scriptlets. A file
// without any ip command and without VSPACE_SHARED_CMD is no network
// scriptlet; it is left alone (it keeps running), and so is an executable
// one that is no shell script. vserverx's own scriptlets (PHASE.d/vserverx)
// are skipped.
//
// adopt never guesses: every command of a network scriptlet must run
// whenever util-vserver runs the file for its phase, or be decided by the
// file itself (see vspace/scriptlets: a test of $1 or $2, a case on the
// phase). A command that may not run — inside an undecided if or case, a
// loop, on a side of && or ||, after an exit or return, in a function never
// called — is refused with file, line and why. Tests that only decide
// (conditions) and commands touching VSPACE_SHARED_CMD (vserverx rewrites
// it itself) are skipped; so are :, true, local and the like, and an exit
// 0. Words are expanded by vspace/scriptlets; the ip program may be ip, a
// path ending in /ip, $_IP, $_HIP or a variable the file sets to such a
// path.
//
// Understood ip commands (also with -n X, -netns X or netns exec X ip, and
// -4/-6): netns add|delete|del X, link add [link P] [name] D [address MAC]
// [mtu N] type vlan id V | macvlan [mode M] | veth peer [name] B, link set
// [dev] D with up, down, address, netns X, name N, mtu N, master BR, link
// del D (dropped: vserverx tears down itself), addr add CIDR [brd +] dev D,
// route add default via GW [dev D] (without dev, the one interface whose
// address holds GW; an interfaces/N/gateway entry), route add of any
// other route the routes file knows (PREFIX|default [via A] [dev D]
// [table T] [metric N] [src A] [onlink] [mtu N], blackhole, unreachable,
// prohibit; a line of .netns/X/routes, with the device's final name),
// rule add of any rule the rules file knows ([not] [from P] [to P] [iif D]
// [oif D] [fwmark M] lookup|table T [priority N], with pref and prio read
// as priority; a line of .netns/X/rules).
//
// Devices are followed through renames and moves. One that ends in X
// becomes an interface, numbered in order of appearance: a vlan (parent,
// VLAN id), a macvlan (parent, mode; bridge when none was given, which the
// kernel would make vepa: a note says so), the inside end of a veth (the
// end left on the host is its host side, a bridge it is attached to its
// bridge) or a host device moved in (phys). Its inside name is its final
// name. A MAC computed by a command substitution becomes mac auto, with a
// note (vserverx generates the historical scheme 02:VLAN:id:N). When X is
// not the guest's name, the guest's context becomes the namespace id.
//
// Refused, each with file:line: any other command; any other ip command,
// option or argument; a variable not assigned a constant in the file; a
// parameter expansion with operators; a namespace name that is not
// constant; two namespace names; a device created a second time (two ip
// link add of one name); devices created inside X (vserverx creates them from the host
// side); a device left on the host; addresses or routes on the host;
// route or rule words the routes and rules files do not know (proto,
// ...); rules on the host; the
// MAC or a different MTU of a veth's
// host side; a computed MAC of a phys device.
package legacy
