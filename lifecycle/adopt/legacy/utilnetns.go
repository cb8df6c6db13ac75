// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// Entries of util-vserver's netns/ directory (CONFDIR/NAME/netns or
// CONFDIR/.defaults/netns) and of the guest directory around it.
const (
	UtilNetnsDir      = "netns"
	UtilDefaultsNetns = ".defaults/netns"
	UtilNoNetns       = "nonetns" // in the guest directory: ignore .defaults/netns and netns/
	utilName          = "name"
	utilShared        = "shared"
	utilInterfaces    = "interfaces"
	utilHost          = "host"
	utilGuest         = "guest"
	utilType          = "type"
	utilGuestPrefix   = "geth" // default guest-side name: geth0, geth1, ... in directory order
	utilVethPrefix    = "veth" // default veth host side: veth + the guest's context
	utilMacvlanParent = "eth0" // default macvlan parent
)

// utilNetns is one util-vserver netns/ directory being read.
type utilNetns struct {
	confdir, guest string
	dir            string // the netns/ directory in use
	defaults       bool   // dir is CONFDIR/.defaults/netns
	p              *Proposal
}

// ReadUtilNetns reads util-vserver's own namespace configuration of guest
// name (util-vserver 0.30.216+, _handleNetNS): CONFDIR/NAME/netns, or else
// CONFDIR/.defaults/netns, unless CONFDIR/NAME/nonetns exists. It returns
// an error wrapping ErrNone when neither applies, and a *RefuseError when
// the directory uses something vserverx cannot express.
func ReadUtilNetns(confdir, name string) (*Proposal, error) {
	u := &utilNetns{confdir: confdir, guest: name}
	guestDir := filepath.Join(confdir, name)
	if exists(filepath.Join(guestDir, UtilNoNetns)) {
		return nil, fmt.Errorf("%s: %w (util-vserver's netns/ is switched off by %s)", guestDir, ErrNone, UtilNoNetns)
	}
	if !u.findDir() {
		return nil, fmt.Errorf("%s: %w (neither %s nor %s is a directory)", guestDir, ErrNone,
			filepath.Join(guestDir, UtilNetnsDir), filepath.Join(confdir, UtilDefaultsNetns))
	}
	if err := u.read(); err != nil {
		return nil, err
	}
	return u.p, nil
}

// findDir picks the directory util-vserver's findDir picks: the guest's
// netns/, else .defaults/netns.
func (u *utilNetns) findDir() bool {
	for i, dir := range []string{filepath.Join(u.confdir, u.guest, UtilNetnsDir), filepath.Join(u.confdir, UtilDefaultsNetns)} {
		if isDir(dir) {
			u.dir, u.defaults = dir, i == 1
			return true
		}
	}
	return false
}

func (u *utilNetns) read() error {
	u.p = &Proposal{Guest: u.guest}
	if err := u.readName(); err != nil {
		return err
	}
	if err := setID(u.p, u.confdir); err != nil {
		return err
	}
	if u.defaults {
		u.p.DisableDefaults = true
		u.p.Notes = append(u.p.Notes, fmt.Sprintf("%s applies to every guest without its own netns/ or %s file; only guest %s is adopted "+
			"(it gets a %s file), the other guests keep util-vserver's own namespace handling", u.dir, UtilNoNetns, u.guest, UtilNoNetns))
	} else {
		u.p.Sources = append(u.p.Sources, u.dir)
	}
	if exists(filepath.Join(u.dir, utilShared)) {
		return u.readShared()
	}
	return u.readInterfaces()
}

// readName sets X: the first line of netns/name, or the guest name.
func (u *utilNetns) readName() error {
	file := filepath.Join(u.dir, utilName)
	x, ok, err := readValue(file)
	if err != nil {
		return err
	}
	if !ok || x == "" {
		x, file = u.guest, filepath.Join(u.confdir, u.guest)
	}
	if err := config.ValidateNamespaceName(x); err != nil {
		return refuse(file, 0, "%v", err)
	}
	u.p.NS, u.p.NSFrom = x, file
	return nil
}

func (u *utilNetns) readShared() error {
	u.p.SharedOnly = true
	if ents, _ := visibleEntries(filepath.Join(u.dir, utilInterfaces)); len(ents) > 0 {
		u.p.Notes = append(u.p.Notes, fmt.Sprintf("%s is ignored, as util-vserver ignores it: %s says namespace %s is set up by another guest",
			filepath.Join(u.dir, utilInterfaces), filepath.Join(u.dir, utilShared), u.p.NS))
	}
	return nil
}

// readInterfaces reads interfaces/* in the order util-vserver's glob
// lists them (byte order, dot entries left out); the K-th entry gets
// number K and, without a guest file, the name gethK.
func (u *utilNetns) readInterfaces() error {
	dir := filepath.Join(u.dir, utilInterfaces)
	ents, err := visibleEntries(dir)
	if err != nil {
		return refuse(dir, 0, "cannot be listed: %v", err)
	}
	for k, name := range ents {
		ifc, err := u.readInterface(filepath.Join(dir, name), k)
		if err != nil {
			return err
		}
		u.p.Interfaces = append(u.p.Interfaces, ifc)
	}
	return nil
}

func (u *utilNetns) readInterface(dir string, k int) (ProposedInterface, error) {
	ifc := ProposedInterface{Num: k, From: dir}
	if !isDir(dir) {
		return ifc, refuse(dir, 0, "is not a directory; util-vserver would still make interface %s%d of it "+
			"(its glob takes every entry of interfaces/), which is surely not meant: remove it or make it a directory", utilGuestPrefix, k)
	}
	vals, err := readValues(dir, utilHost, utilGuest, utilType)
	if err != nil {
		return ifc, err
	}
	ifc.Name = orDefault(vals[utilGuest], utilGuestPrefix+strconv.Itoa(k))
	if err := checkName(filepath.Join(dir, utilGuest), ifc.Name); err != nil {
		return ifc, err
	}
	switch t := orDefault(vals[utilType], string(config.TypeVeth)); t {
	case string(config.TypeVeth):
		return u.veth(ifc, dir, vals[utilHost])
	case string(config.TypeMacvlan):
		ifc.Type, ifc.Mode = config.TypeMacvlan, config.ModeBridge
		ifc.Link = orDefault(vals[utilHost], utilMacvlanParent)
		return ifc, checkName(filepath.Join(dir, utilHost), ifc.Link)
	default:
		return ifc, refuse(filepath.Join(dir, utilType), 0, "type %q: util-vserver's netns/ creates only veth and macvlan links "+
			"(with any other type its start fails), so there is nothing to adopt", t)
	}
}

// veth fills in a veth whose host side is host, or veth + the guest's
// context (ncontext first, as util-vserver's N_CONTEXT).
func (u *utilNetns) veth(ifc ProposedInterface, dir, host string) (ProposedInterface, error) {
	ifc.Type = config.TypeVeth
	if host == "" {
		ctx, err := u.nContext()
		if err != nil {
			return ifc, err
		}
		if ctx == "" {
			return ifc, refuse(filepath.Join(dir, utilHost), 0, "missing, and guest %s has no ncontext or context file: util-vserver would "+
				"name the host side after a dynamic context; write the host-side name here", u.guest)
		}
		host = utilVethPrefix + ctx
	}
	ifc.Host = host
	return ifc, checkName(filepath.Join(dir, utilHost), host)
}

// nContext reads util-vserver's N_CONTEXT: the guest's ncontext, else its
// context ("" when neither exists).
func (u *utilNetns) nContext() (string, error) {
	for _, f := range []string{"ncontext", config.GuestContext} {
		v, ok, err := readValue(filepath.Join(u.confdir, u.guest, f))
		if err != nil || ok && v != "" {
			return v, err
		}
	}
	return "", nil
}

// readValues reads the given keys of dir as util-vserver's
// _getInterfaceValue does. (type would also be inherited from a type file
// directly in interfaces/, but util-vserver's glob makes one more
// interface of that file too, so readInterface refuses it first.)
func readValues(dir string, keys ...string) (map[string]string, error) {
	vals := map[string]string{}
	for _, k := range keys {
		v, _, err := readValue(filepath.Join(dir, k))
		if err != nil {
			return nil, err
		}
		vals[k] = v
	}
	return vals, nil
}

func checkName(file, name string) error {
	if err := config.ValidateIfName(name); err != nil {
		return refuse(file, 0, "%v", err)
	}
	if name == config.LoopbackName {
		return refuse(file, 0, "interface name %q is the namespace's loopback; vserverx cannot adopt it as an interface", name)
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// readValue reads the first line of a value file, trimmed, as
// util-vserver's read does. A missing file is not ok, without error; a file
// that cannot be read is a *RefuseError naming it.
func readValue(file string) (string, bool, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, refuse(file, 0, "cannot be read: %v", unwrapPath(err))
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	return strings.TrimSpace(string(line)), true, nil
}

// visibleEntries lists dir in byte order without dot entries; a missing
// directory is empty.
func visibleEntries(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, unwrapPath(err)
	}
	var names []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
