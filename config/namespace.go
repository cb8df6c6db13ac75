// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// NetnsDirName is the directory of namespace definitions inside the confdir.
const NetnsDirName = ".netns"

// Entries of a namespace definition directory CONFDIR/.netns/X.
const (
	NSID            = "id"
	NSInterfaces    = "interfaces"
	NSSysctl        = "sysctl"
	NSNoVprocunhide = "novprocunhide"
	NSNftables      = "nftables"
)

// NamespaceKeys lists the entries allowed in CONFDIR/.netns/X.
var NamespaceKeys = []string{NSID, NSInterfaces, NSSysctl, NSNoVprocunhide, NSNftables, NSRoutes, NSRules}

// idSource is where a namespace may take its id from when it has no id file:
// the context of the guest of the same name.
type idSource struct {
	file  string // CONFDIR/X/context
	guest bool   // guest X exists
	id    int
	ok    bool // guest X exists and its context is valid
}

// loadNamespace reads the definition directory dir of namespace x. The
// interfaces are complete except for what needs the whole tree (duplicate
// host names across namespaces); MACs are generated when the id is known.
func loadNamespace(dir, x string, guestID idSource) (*Namespace, Problems) {
	var probs Problems
	r := reader{probs: &probs}
	ns := &Namespace{Name: x, Dir: dir, Defined: true}
	if err := ValidateNamespaceName(x); err != nil {
		r.add(dir, "%v", err)
	}
	checkUnknownKeys(r, dir, NamespaceKeys, "a namespace definition")
	readID(r, ns, guestID)
	ns.NoVprocunhide = exists(filepath.Join(dir, NSNoVprocunhide))
	ns.Sysctls = readSysctls(r, filepath.Join(dir, NSSysctl))
	ns.Interfaces = readInterfaces(r, ns)
	finishInterfaces(r, ns, guestID)
	readNftables(r, ns)
	readRouting(r, ns)
	return ns, probs
}

// VethHostName returns the host-side name of veth ifc of n: its host file,
// or DefaultHostName. A loaded configuration has it in ifc.Host already.
func (n *Namespace) VethHostName(ifc *Interface) string {
	if ifc.Host != "" {
		return ifc.Host
	}
	return DefaultHostName(n.Name, ifc.Num)
}

// implicitNamespace is the empty definition of guest g's own namespace
// (spaces/net names the guest itself and there is no .netns/X).
func implicitNamespace(confdir string, g *Guest) (*Namespace, Problems) {
	ns := &Namespace{Name: g.Name, Dir: filepath.Join(confdir, NetnsDirName, g.Name)}
	if g.HasContext {
		ns.ID, ns.HasID, ns.IDFrom = g.Context, true, g.File(GuestContext)
	}
	var probs Problems
	if err := ValidateNamespaceName(g.Name); err != nil {
		probs = append(probs, Problem{File: g.File(GuestSpacesNet), Msg: err.Error()})
	}
	return ns, probs
}

// checkUnknownKeys records every entry of dir that is not one of allowed
// (typo protection). Dot entries are ignored.
func checkUnknownKeys(r reader, dir string, allowed []string, what string) {
	for _, name := range r.dirEntries(dir) {
		if !slices.Contains(allowed, name) {
			r.add(filepath.Join(dir, name), "unknown entry in %s; allowed: %s", what, strings.Join(allowed, ", "))
		}
	}
}

// readID reads .netns/X/id, falling back to guest X's context.
func readID(r reader, ns *Namespace, guestID idSource) {
	file := filepath.Join(ns.Dir, NSID)
	s, ok := r.value(file)
	if !ok {
		if !present(file) && guestID.ok {
			ns.ID, ns.HasID, ns.IDFrom = guestID.id, true, guestID.file
		}
		return
	}
	n, err := parseNumber(s, "namespace id", 0, MaxID)
	if err != nil {
		r.add(file, "%v", err)
		return
	}
	ns.ID, ns.HasID, ns.IDFrom = n, true, file
}

// readSysctls reads the sysctl/ directory: one file per key, sorted.
func readSysctls(r reader, dir string) []Sysctl {
	if !requireDirIfExists(r, dir) {
		return nil
	}
	var out []Sysctl
	for _, key := range r.dirEntries(dir) {
		file := filepath.Join(dir, key)
		value, ok := r.value(file)
		if !ok {
			continue
		}
		if err := ValidateSysctlKey(key); err != nil {
			r.add(file, "%v", err)
			continue
		}
		if value == "" {
			r.add(file, "is empty; it must hold the value to write to %s", Sysctl{Key: key}.Path())
			continue
		}
		out = append(out, Sysctl{Key: key, Value: value, File: file})
	}
	return out
}

// dirPurpose says what a directory holds, for messages.
var dirPurpose = map[string]string{
	NSInterfaces: "interfaces/N directories, one per interface",
	NSSysctl:     "sysctl files, one per key",
	NetnsDirName: "namespace definitions .netns/X",
}

// requireDirIfExists reports whether path is a directory; a path that exists
// but is no directory is a Problem.
func requireDirIfExists(r reader, path string) bool {
	if !exists(path) {
		return false
	}
	if !isDir(path) {
		r.add(path, "is not a directory; expected a directory of %s", dirPurpose[filepath.Base(path)])
		return false
	}
	return true
}

// readInterfaces reads every interfaces/N directory, sorted by N.
func readInterfaces(r reader, ns *Namespace) []Interface {
	dir := filepath.Join(ns.Dir, NSInterfaces)
	if !requireDirIfExists(r, dir) {
		return nil
	}
	var out []Interface
	for _, name := range r.dirEntries(dir) { // sorted as strings, resorted below
		path := filepath.Join(dir, name)
		num, err := ParseInterfaceNum(name)
		if err != nil {
			r.add(path, "%v", err)
			continue
		}
		if !isDir(path) {
			r.add(path, "is not a directory; an interface is a directory interfaces/N holding its keys")
			continue
		}
		out = append(out, readInterface(r, ns, num, path))
	}
	sortInterfaces(out)
	return out
}

// needsID reports whether some interface of ns needs a generated MAC.
func needsID(ns *Namespace) (*Interface, bool) {
	for i := range ns.Interfaces {
		if ns.Interfaces[i].MACAuto {
			return &ns.Interfaces[i], true
		}
	}
	return nil, false
}

// finishInterfaces generates the MACs once the id is known, and checks what
// spans several interfaces of the namespace.
func finishInterfaces(r reader, ns *Namespace, guestID idSource) {
	idFile := filepath.Join(ns.Dir, NSID)
	if ifc, ok := needsID(ns); ok && !ns.HasID && !present(idFile) { // an invalid id file is a Problem already
		r.add(idFile, "%s", missingIDMsg(ns, ifc, guestID))
	}
	for i := range ns.Interfaces {
		generateMACs(ns, &ns.Interfaces[i])
	}
	checkDuplicateNames(r, ns)
	checkDuplicateMACs(r, ns)
}

func missingIDMsg(ns *Namespace, ifc *Interface, guestID idSource) string {
	msg := fmt.Sprintf("missing: %s needs a generated MAC (mac auto), which needs the namespace id; write a decimal 0–%d here", ifc.Dir, MaxID)
	switch {
	case !guestID.guest:
		return msg + fmt.Sprintf(" (there is no guest %s whose context %s could supply it)", ns.Name, guestID.file)
	case !present(guestID.file):
		return msg + fmt.Sprintf(" or give guest %s a context file %s, which supplies it", ns.Name, guestID.file)
	}
	return msg + fmt.Sprintf(" (the context of guest %s, %s, would supply it but is not valid)", ns.Name, guestID.file)
}
