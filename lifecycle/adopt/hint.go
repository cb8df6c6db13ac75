// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle/adopt/legacy"
)

// Hint returns, for a guest vserverx does not manage whose network is
// configured in a form adopt reads, the line `vserverx NAME check` prints
// about it; "" otherwise. It reads only, and does not work out the
// adoption (a refusal also gives a hint: the dry run explains it).
// hostLink is as Options.HostLink.
func Hint(t *config.Tree, name string, hostLink func(string) bool) string {
	g, err := t.Guest(name)
	if err != nil || t.Managed(g) {
		return ""
	}
	var kinds []string
	confdir := t.Paths.ConfDir
	if _, err := legacy.ReadUtilNetns(confdir, name); !errors.Is(err, legacy.ErrNone) {
		kinds = append(kinds, "util-vserver's netns/")
	}
	if _, err := legacy.ReadScriptlets(confdir, name); !errors.Is(err, legacy.ErrNone) {
		kinds = append(kinds, "hand-written network scriptlets")
	}
	if len(kinds) == 0 && classicCandidate(t, g) && onHostDevices(g, Options{HostLink: hostLink}.hostLink) {
		kinds = append(kinds, "classic interfaces/ on host devices")
	}
	if len(kinds) == 0 {
		return ""
	}
	return fmt.Sprintf("guest %s: its network is configured the old way (%s); vserverx can take it over: see what that changes with "+
		"'vserverx %s adopt --dry-run'", name, strings.Join(kinds, ", "), name)
}

// onHostDevices reports whether an entry of the guest's interfaces/ is on
// a host device (or one adopt refuses, which the dry run explains).
func onHostDevices(g *config.Guest, hostLink func(string) bool) bool {
	for i := range g.Classic {
		if _, ok, err := classicInterface(&g.Classic[i], hostLink); ok || err != nil {
			return true
		}
	}
	return false
}
