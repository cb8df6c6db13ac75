// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"fmt"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// acdStep probes, after the interface steps, the IPv4 addresses of the
// interfaces with acd yes by ARP, and adds them and their IPv4 default
// routes only when no other host answers (netns.ProbeIPv4). It is in the
// plan only when such an interface has an IPv4 address.
func (e *Env) acdStep(def *config.Namespace) (insideStep, bool) {
	var names []string
	for _, ifc := range netns.ACDInterfaces(def) {
		names = append(names, ifc.Name)
	}
	if len(names) == 0 {
		return insideStep{}, false
	}
	return insideStep{
		Step: Step{
			Title:   fmt.Sprintf("probe the IPv4 addresses of %s by ARP, then add them and their gateways (acd)", strings.Join(names, ", ")),
			Details: []string{"an address another host on the link answers for makes start refuse and undo"},
		},
		do: func(ctx context.Context, ns *netns.NS) (netns.Undo, error) {
			undo, warnings, err := netns.ProbeIPv4(ctx, ns, def)
			for _, w := range warnings {
				e.warnf("warning: %s", w)
			}
			return undo, err
		},
	}, true
}
