// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle/adopt/legacy"
)

// classicSource is source 3: the guest's enabled interfaces/ entries whose
// dev is a host device become interfaces of X (the --namespace, or the
// guest's name) named like that device. It returns nil when no entry is on
// a host device; steps switch util-vserver's VLAN creation off where
// vserverx now creates the VLAN.
func classicSource(opt Options, g *config.Guest, p *Plan) (*legacy.Proposal, []Step, error) {
	x, from := opt.Namespace, "--namespace"
	if x == "" {
		x, from = g.Name, g.Dir
	}
	if err := config.ValidateNamespaceName(x); err != nil {
		return nil, nil, fmt.Errorf("cannot adopt: %s: %w", from, err)
	}
	prop := &legacy.Proposal{Guest: g.Name, NS: x, NSFrom: from}
	var steps []Step
	seen := map[string]bool{}
	for i := range g.Classic {
		c := &g.Classic[i]
		ifc, ok, err := classicInterface(c, opt.hostLink)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			prop.Notes = append(prop.Notes, skippedNote(c)...)
			continue
		}
		more, err := vlanDevSteps(opt.Tree.Paths.ConfDir, c, ifc)
		if err != nil {
			return nil, nil, err
		}
		steps = append(steps, more...)
		if seen[ifc.Name] {
			continue
		}
		seen[ifc.Name] = true
		ifc.Num = len(prop.Interfaces)
		prop.Interfaces = append(prop.Interfaces, ifc)
		prop.Notes = append(prop.Notes, hostVLANNote(ifc, opt.hostLink)...)
	}
	if len(prop.Interfaces) == 0 {
		return nil, nil, nil
	}
	setContextID(prop, g)
	p.Found = append(p.Found, fmt.Sprintf("classic interfaces/ on host devices (namespace %s from %s)", x, from))
	return prop, steps, nil
}

// classicInterface maps one entry to the interface of X that replaces its
// host device; ok is false for an entry util-vserver puts on no host
// device (disabled, nodev, or a dev that is no host device).
func classicInterface(c *config.ClassicInterface, hostLink func(string) bool) (legacy.ProposedInterface, bool, error) {
	ifc := legacy.ProposedInterface{Name: c.Dev, From: c.File("dev")}
	if c.Disabled || c.NoDev || c.Dev == "" || c.Dev == config.LoopbackName {
		return ifc, false, nil
	}
	if c.Indirect || c.Tun {
		return ifc, false, &legacy.RefuseError{File: c.Dir, Msg: "an indirect, tun or tap entry makes util-vserver create its own device; " +
			"adopt maps only entries on existing host devices: change or disable the entry first"}
	}
	if err := config.ValidateIfName(c.Dev); err != nil {
		return ifc, false, &legacy.RefuseError{File: c.File("dev"), Msg: err.Error()}
	}
	if base, vid, ok := vlanOfDev(c.Dev); ok && hostLink(base) {
		ifc.Type, ifc.Link, ifc.VLAN = config.TypeVLAN, base, vid
		return ifc, true, nil
	}
	if !hostLink(c.Dev) {
		return ifc, false, nil
	}
	ifc.Type, ifc.Link, ifc.Mode = config.TypeMacvlan, c.Dev, config.ModeBridge
	return ifc, true, nil
}

// vlanOfDev splits a device name BASE.VID, as util-vserver names VLAN
// devices (BASE before the first dot, VID after the last), into its parent
// and VLAN id 1–4094; ok is false for any other name.
func vlanOfDev(dev string) (base string, vid int, ok bool) {
	first, _, found := strings.Cut(dev, ".")
	if !found || first == "" || strings.HasPrefix(dev, "vlan") {
		return "", 0, false
	}
	digits := dev[strings.LastIndexByte(dev, '.')+1:]
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > 4094 || strings.TrimLeft(digits, "0123456789") != "" {
		return "", 0, false
	}
	return first, n, true
}

// vlanDevSteps switches util-vserver's VLAN creation off for an entry whose
// VLAN vserverx now creates: its own vlandev file is moved aside and a
// novlandev is written (which also beats interfaces/vlandev and the
// host-wide .defaults/interfaces/vlandev).
func vlanDevSteps(confdir string, c *config.ClassicInterface, ifc legacy.ProposedInterface) ([]Step, error) {
	if ifc.Type != config.TypeVLAN || !c.VlanDev {
		return nil, nil
	}
	var steps []Step
	own := filepath.Join(c.Dir, "vlandev")
	if exists(own) {
		r, err := rel(confdir, own)
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{Kind: MoveAside, Rel: r, From: "vserverx creates the VLAN device " + ifc.Name})
	}
	no := filepath.Join(c.Dir, "novlandev")
	if !exists(no) {
		r, err := rel(confdir, no)
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{Kind: Create, Rel: r, Content: []byte{}, From: "vserverx creates the VLAN device " + ifc.Name})
	}
	return steps, nil
}

// skippedNote explains an enabled entry that stays as it is although its
// device is neither a host device nor created by vserverx.
func skippedNote(c *config.ClassicInterface) []string {
	if c.Disabled || c.NoDev || c.Dev == "" || c.Dev == config.LoopbackName {
		return nil
	}
	return []string{fmt.Sprintf("%s: device %q does not exist on this host; the entry stays as it is", c.File("dev"), c.Dev)}
}

// hostVLANNote warns when the VLAN device that X gets exists on the host
// too: the kernel allows one device per VLAN id on a parent.
func hostVLANNote(ifc legacy.ProposedInterface, hostLink func(string) bool) []string {
	if ifc.Type != config.TypeVLAN || !hostLink(ifc.Name) {
		return nil
	}
	return []string{fmt.Sprintf("the VLAN device %s exists on the host; remove it from the host's network configuration before "+
		"starting the guest: the kernel allows one device per VLAN id (%d) on %s, and vserverx creates it inside the namespace", ifc.Name, ifc.VLAN, ifc.Link)}
}

// setContextID takes the guest's context as the namespace id when X is not
// the guest's own name (whose context supplies it then).
func setContextID(prop *legacy.Proposal, g *config.Guest) {
	if prop.NS != g.Name && g.HasContext {
		prop.ID, prop.HasID, prop.IDFrom = g.Context, true, g.File(config.GuestContext)
	}
}
