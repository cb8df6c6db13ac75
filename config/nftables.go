// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// includeUnsafe are the characters a ruleset path must not hold: vserverx
// loads the file with nft's `include "PATH"`, where a double quote ends
// the path and *, ? and [ make it a glob.
const includeUnsafe = "\"*?[\n"

// readNftables records the namespace's nftables ruleset file, when there
// is one. nft reads it; here it must only be a regular file whose path nft
// can include.
func readNftables(r reader, ns *Namespace) {
	file := filepath.Join(ns.Dir, NSNftables)
	fi, err := os.Stat(file)
	switch {
	case err != nil && !present(file):
		return
	case err != nil:
		r.add(file, "cannot be read: %v", unwrapPath(err))
		return
	case !fi.Mode().IsRegular():
		r.add(file, "is not a regular file (%s); expected an nftables ruleset, as `nft -f` reads it", fi.Mode().Type())
		return
	case strings.ContainsAny(file, includeUnsafe):
		r.add(file, "its path holds one of %q, which nft's include cannot take; move the confdir to a path without them", includeUnsafe)
		return
	}
	ns.Nftables = file
}

// forwardingKeys are the sysctls that make a namespace route between its
// interfaces.
var forwardingKeys = []string{"net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv6.conf.all.forwarding"}

// UnfilteredForwarding is the warning for a namespace that forwards
// between two or more interfaces without an nftables ruleset: until
// something inside loads rules (a guest's init, seconds later), every
// packet crosses between the zones unfiltered. ok is false when that is
// not the case.
func UnfilteredForwarding(ns *Namespace) (p Problem, ok bool) {
	if ns.Nftables != "" || len(ns.Interfaces) < 2 {
		return Problem{}, false
	}
	on, found := forwardingSysctl(ns)
	if !found {
		return Problem{}, false
	}
	names := make([]string, len(ns.Interfaces))
	for i := range ns.Interfaces {
		names[i] = ns.Interfaces[i].Name
	}
	return Problem{
		File:     filepath.Join(ns.Dir, NSNftables),
		Severity: SeverityWarning,
		Msg: fmt.Sprintf("missing: namespace %s forwards between %s unfiltered (%s is %s in %s) until a guest loads its rules; "+
			"a ruleset here is loaded before any interface is UP", ns.Name, strings.Join(names, ", "), on.Key, on.Value, on.File),
	}, true
}

// forwardingSysctl returns the first sysctl of ns that turns forwarding on.
func forwardingSysctl(ns *Namespace) (Sysctl, bool) {
	for _, s := range ns.Sysctls {
		for _, k := range forwardingKeys {
			if s.Key == k && s.Value != "0" {
				return s, true
			}
		}
	}
	return Sysctl{}, false
}
