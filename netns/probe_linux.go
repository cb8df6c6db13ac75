// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// ProbeSysctls writes each of s in a throwaway network namespace that only
// this call sees and returns, for each value the kernel refuses there (a key
// no network namespace has, a value it cannot hold), the error
// ApplySysctls would return at start, in the same words. Keys of an
// interface the definition creates (net.ipv4.conf.NAME.KEY and the like,
// NAME in ifnames) are probed on the namespace's default entry instead,
// since that interface does not exist there; their error names the key as
// written. Creating the namespace needs CAP_SYS_ADMIN: without it the error
// says so and nothing is probed.
//
// Equivalent to: unshare --net sysctl -w KEY=VALUE, for each.
func ProbeSysctls(s []config.Sysctl, ifnames []string) ([]Refused, error) {
	if len(s) == 0 {
		return nil, nil
	}
	type result struct {
		refused []Refused
		err     error
	}
	done := make(chan result, 1)
	go func() {
		// The thread stays in the throwaway namespace and stays locked: the
		// runtime discards it when this goroutine ends.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- result{err: fmt.Errorf("a throwaway network namespace to try the sysctls in: %w", err)}
			return
		}
		var refused []Refused
		for _, sc := range s {
			if err := probeSysctl(sc, ifnames); err != nil {
				refused = append(refused, Refused{sc, err})
			}
		}
		done <- result{refused: refused}
	}()
	r := <-done
	return r.refused, r.err
}

// Refused is a sysctl the kernel refused in ProbeSysctls, and why.
type Refused struct {
	Sysctl config.Sysctl
	Err    error
}

// probeSysctl writes one value in the throwaway namespace of the calling
// thread (nothing there needs undoing).
func probeSysctl(sc config.Sysctl, ifnames []string) error {
	probe := sc
	probe.Key = onDefaultEntry(sc.Key, ifnames)
	_, err := applySysctl(probe)
	if err != nil && probe.Key != sc.Key {
		return fmt.Errorf("%s (tried as %s, the interface does not exist before start)", strings.Replace(err.Error(), probe.Key, sc.Key, 1), probe.Key)
	}
	return err
}

// onDefaultEntry maps net.ipv{4,6}.{conf,neigh}.NAME.REST, for NAME one of
// ifnames, to the same key of the "default" entry.
func onDefaultEntry(key string, ifnames []string) string {
	parts := strings.SplitN(key, ".", 5)
	if len(parts) < 5 || parts[0] != "net" || (parts[1] != "ipv4" && parts[1] != "ipv6") || (parts[2] != "conf" && parts[2] != "neigh") {
		return key
	}
	for _, n := range ifnames {
		if parts[3] == n {
			return strings.Join([]string{parts[0], parts[1], parts[2], "default", parts[4]}, ".")
		}
	}
	return key
}

// HostDevice is what check needs to know of a host device: its kind
// ("bridge", "veth", "device" for a plain NIC, ...) and its MTU.
type HostDevice struct {
	Kind string
	MTU  int
}

// LookupHostDevice returns the host device name (in the namespace of the
// caller), and false when there is no such device.
//
// Equivalent to: ip -d link show NAME
func LookupHostDevice(name string) (HostDevice, bool, error) {
	l, err := netlink.LinkByName(name)
	if isNotFound(err) {
		return HostDevice{}, false, nil
	}
	if err != nil {
		return HostDevice{}, false, fmt.Errorf("host device %s: %w", name, err)
	}
	return HostDevice{Kind: l.Type(), MTU: l.Attrs().MTU}, true, nil
}
