// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"os"

	"github.com/vserverx/vserverx/config"
)

// setReadySysctls writes readySysctls of ifc for link name inside X (on a
// thread in X: /proc/sys/net belongs to the namespace of the thread that
// opens it). IPv6 keys are skipped when the interface has no IPv6 (its
// conf directory is missing: IPv6 disabled, or an MTU below 1280). Values
// already set are not written again. There is no undo: the interface is
// one vserverx has just created, which goes with its undo, or a host
// device just moved in, which gets the host's defaults again when it
// moves out (the kernel makes its per-interface settings anew in each
// namespace).
//
// Equivalent to: ip netns exec X sysctl -w net.ipv6.conf.NAME.accept_ra=0
// (and the others), for NAME written with slashes where it has dots.
func (e *engine) setReadySysctls(ifc *config.Interface, name string) error {
	settings := readySysctls(e.def, ifc)
	return e.ns.Do(func() error {
		_, err := os.Stat("/proc/sys/net/ipv6/conf/" + name)
		hasIPv6 := err == nil
		for _, s := range settings {
			if s.family == "ipv6" && !hasIPv6 {
				continue
			}
			if err := writeSysctl(s.path(name), s.value); err != nil {
				return e.ifcErr(ifc, "set %s=%s before it is up: %w", s.path(name), s.value, err)
			}
		}
		return nil
	})
}

// writeSysctl writes value to the sysctl file path unless it holds it.
func writeSysctl(path, value string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if sameValue(string(old), value) {
		return nil
	}
	if err := os.WriteFile(path, []byte(value), 0); err != nil {
		return errors.Unwrap(err)
	}
	return nil
}
