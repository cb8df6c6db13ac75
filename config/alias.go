// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"slices"
	"strconv"
	"strings"
)

// AliasPrefix is the start of the interface alias of every link vserverx
// creates; the full alias is AliasPrefix + X + ":" + N.
const AliasPrefix = "vserverx:"

// LinkAlias is what the interface alias of a vserverx link says:
// "vserverx:X:N", followed for a physical device by ":key=value" fields
// that the netns package uses to record how to restore it. X may contain
// ':'; a field value must not.
type LinkAlias struct {
	NS     string       // X
	Num    int          // N
	Fields []AliasField // after N, in order
}

// AliasField is one ":key=value" field after N.
type AliasField struct{ Key, Value string }

// String formats the alias.
func (a LinkAlias) String() string {
	var b strings.Builder
	b.WriteString(AliasPrefix + a.NS + ":" + strconv.Itoa(a.Num))
	for _, f := range a.Fields {
		b.WriteString(":" + f.Key + "=" + f.Value)
	}
	return b.String()
}

// Alias returns the interface alias that marks a link as vserverx's own:
// "vserverx:X:N". It is the whole alias of a created link; for a phys
// device the netns package appends how to restore it (":orig=NAME:mtu=..."),
// so that teardown after a crash can put it back.
func (n *Namespace) Alias(num int) string {
	return LinkAlias{NS: n.Name, Num: num}.String()
}

// ParseLinkAlias reads an alias made by LinkAlias.String whose fields all
// have one of the given keys. ok is false for any other alias. Trailing
// fields with a known key are fields; the field before them is N (a decimal
// 0–255 as interfaces/N is written) and everything between the prefix and N
// is X, which must not be empty.
func ParseLinkAlias(alias string, keys ...string) (a LinkAlias, ok bool) {
	rest, found := strings.CutPrefix(alias, AliasPrefix)
	if !found {
		return LinkAlias{}, false
	}
	parts := strings.Split(rest, ":")
	for len(parts) > 0 {
		k, v, isField := strings.Cut(parts[len(parts)-1], "=")
		if !isField || !slices.Contains(keys, k) {
			break
		}
		a.Fields = append([]AliasField{{k, v}}, a.Fields...)
		parts = parts[:len(parts)-1]
	}
	if len(parts) < 2 {
		return LinkAlias{}, false
	}
	num, err := ParseInterfaceNum(parts[len(parts)-1])
	if err != nil {
		return LinkAlias{}, false
	}
	a.NS, a.Num = strings.Join(parts[:len(parts)-1], ":"), num
	if a.NS == "" {
		return LinkAlias{}, false
	}
	return a, true
}
