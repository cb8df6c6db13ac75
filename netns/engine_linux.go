// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vserverx/vserverx/config"
)

// engine holds what link work on one namespace needs: netlink handles on
// the host (the caller's network namespace) and inside X, and the host's
// namespace file for moving devices back.
type engine struct {
	ns     *NS
	def    *config.Namespace // nil for teardown
	host   *netlink.Handle
	in     *netlink.Handle
	hostFd int
	// probed is set once the IPv4 conflict probe (ProbeIPv4) has run:
	// until then configure holds back the IPv4 addresses and gateways of
	// acd interfaces.
	probed bool
}

// newEngine opens the handles; close releases them.
func newEngine(n *NS, def *config.Namespace) (*engine, error) {
	if n == nil || n.fd < 0 {
		return nil, errNotOpen
	}
	e := &engine{ns: n, def: def, hostFd: -1}
	if err := e.open(); err != nil {
		return nil, err
	}
	return e, nil
}

// open (re)opens the handles and the host's namespace file.
func (e *engine) open() error {
	var err error
	if e.host, err = hostHandle(); err != nil {
		return err
	}
	if e.in, err = e.ns.NewHandle(); err != nil {
		e.close()
		return err
	}
	if e.hostFd, err = unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
		e.close()
		return fmt.Errorf("open the host network namespace: %w", err)
	}
	return nil
}

// close releases what open opened. A closed engine must not be used: a
// closed netlink.Handle silently falls back to the caller's namespace.
func (e *engine) close() {
	if e.host != nil {
		e.host.Close()
		e.host = nil
	}
	if e.in != nil {
		e.in.Close()
		e.in = nil
	}
	if e.hostFd >= 0 {
		unix.Close(e.hostFd)
		e.hostFd = -1
	}
}

// undo wraps the undo of a step done through e: when it runs after the
// engine was closed (the normal case for a returned Undo), it reopens the
// engine for its duration.
func (e *engine) undo(fn func() error) Undo {
	return func() error {
		if e.in == nil {
			if err := e.open(); err != nil {
				return fmt.Errorf("network namespace %s: undo: %w", e.ns.Name, err)
			}
			defer e.close()
		}
		return fn()
	}
}

// ownLink is a link carrying a vserverx alias.
type ownLink struct {
	link netlink.Link
	tag  linkTag
}

// ownLinks returns the links in h's namespace whose alias says they are
// vserverx's links of namespace ns.
func ownLinks(h *netlink.Handle, ns string) ([]ownLink, error) {
	links, err := linkList(h)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	var out []ownLink
	for _, l := range links {
		if tag, ok := parseAlias(l.Attrs().Alias); ok && tag.NS == ns {
			out = append(out, ownLink{link: l, tag: tag})
		}
	}
	return out, nil
}

// findOwn returns vserverx's link N of namespace X in h's namespace, or nil.
func findOwn(h *netlink.Handle, ns string, num int) (*ownLink, error) {
	links, err := ownLinks(h, ns)
	if err != nil {
		return nil, err
	}
	for i := range links {
		if links[i].tag.Num == num {
			return &links[i], nil
		}
	}
	return nil, nil
}

// isNotFound reports whether err says a link does not exist.
func isNotFound(err error) bool {
	var nf netlink.LinkNotFoundError
	return errors.As(err, &nf) || errors.Is(err, unix.ENODEV)
}

// ifcErr builds the error of one interface: it names the namespace, the
// device and the interface's configuration directory.
func (e *engine) ifcErr(ifc *config.Interface, format string, args ...any) error {
	return fmt.Errorf("network namespace %s, interface %s (%s): %w",
		e.ns.Name, ifc.Name, ifc.Dir, fmt.Errorf(format, args...))
}

// freeTempName returns a temporary name that is not in use on the host
// (reached through host).
func freeTempName(host *netlink.Handle) string { return freeTempNameBut(host, "") }

// freeTempNameBut is freeTempName, and the name is not taken either (the
// other end of the same veth).
func freeTempNameBut(host *netlink.Handle, taken string) string {
	name := randomTempName()
	for range 10 {
		if _, err := host.LinkByName(name); isNotFound(err) && name != taken {
			break
		}
		name = randomTempName()
	}
	return name
}
