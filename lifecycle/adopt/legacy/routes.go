// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"slices"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// legacyRoute is a route a scriptlet adds inside the namespace that is not
// a plain default route via a gateway: a line of the routes file. Its
// interface is kept as the device, so that a later rename is followed.
type legacyRoute struct {
	words []string // the words, with "dev" followed by a placeholder
	dev   *link    // the device after dev, nil for none
}

// line is the route as a routes file line, with the device's final name.
func (r legacyRoute) line() string {
	words := slices.Clone(r.words)
	for i, w := range words {
		if w == "dev" && i+1 < len(words) && r.dev != nil {
			words[i+1] = r.dev.name
		}
	}
	return strings.Join(words, " ")
}

// routeWords are the words of ip route add the routes file knows, with
// whether they take a value.
var routeWords = map[string]bool{"via": true, "dev": true, "table": true, "metric": true, "src": true, "onlink": false, "mtu": true}

// routeTypes are the route types the routes file knows.
var routeTypes = []string{"blackhole", "unreachable", "prohibit"}

// routeLine reads ip route add ROUTE (the words in c.args) as a line of
// the namespace's routes file; config checks it when the adoption is
// tried. A default route in an ip -6 command without gateway becomes ::/0.
func (c *ipCmd) routeLine(words []string) error {
	if c.ns == "" {
		return c.refuse("adds a route on the host; vserverx sets routes only inside the namespace")
	}
	words = slices.Clone(words)
	dst := 0
	if len(words) > 0 && slices.Contains(routeTypes, words[0]) {
		dst = 1
	}
	if len(words) <= dst {
		return c.refuse("%q: the destination is missing", c.c.Raw)
	}
	if words[dst] == "default" && c.family == "-6" {
		words[dst] = "::/0"
	}
	r := legacyRoute{words: words[:dst+1]}
	for i := dst + 1; i < len(words); i++ {
		w := words[i]
		takes, known := routeWords[w]
		switch {
		case !known:
			return c.refuse("%q: %q is not understood (the routes file knows: %s)", c.c.Raw, w, strings.Join(slices.Sorted(mapKeys(routeWords)), ", "))
		case takes && i+1 == len(words):
			return c.refuse("%q: %s needs a value", c.c.Raw, w)
		case w == "dev":
			if r.dev = c.r.net.find(c.ns, words[i+1]); r.dev == nil {
				return c.refuse("device %s is not in namespace %s: no scriptlet creates it or moves it there before this line", words[i+1], c.ns)
			}
		}
		r.words = append(r.words, w)
		if takes {
			i++
			r.words = append(r.words, words[i])
		}
	}
	c.r.net.routes = append(c.r.net.routes, r)
	return nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// routesFile is the content of the routes file of the routes st holds,
// "" for none.
func (st *netState) routesFile() string {
	var b strings.Builder
	for _, r := range st.routes {
		b.WriteString(r.line() + "\n")
	}
	return b.String()
}

// renderRoutes adds the routes file to the files of a proposal.
func (p *Proposal) renderRoutes(files map[string]string) {
	if p.Routes != "" {
		files[config.NSRoutes] = p.Routes
	}
}
