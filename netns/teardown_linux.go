// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
)

// Teardown removes what vserverx made for namespace NAME: the links
// carrying its alias vserverx:NAME:N inside the namespace and any left on
// the host are deleted, phys devices go back to the host under their
// original names (as recorded in their alias), and then the named namespace
// is deleted (DeleteNamespace). Links without vserverx's alias are never
// touched. Teardown is idempotent: a missing namespace only has its host
// leftovers cleaned.
//
// Equivalent to: ip -n NAME link del ... ; ip -n NAME link set DEV netns 1
// name ORIG; ip netns del NAME.
func Teardown(dir, name string) error {
	host, err := hostHandle()
	if err != nil {
		return err
	}
	defer host.Close()
	var errs []error
	ns, err := Open(dir, name)
	switch {
	case err == nil:
		errs = append(errs, clearInside(ns))
		ns.Close()
	case !errors.Is(err, ErrNotExist) && !errors.Is(err, ErrStale):
		return fmt.Errorf("teardown: %w", err)
	}
	errs = append(errs, clearHost(host, name), DeleteNamespace(dir, name))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("teardown of network namespace %s: %w", name, err)
	}
	return nil
}

// clearInside removes vserverx's links from ns: virtual ones are deleted,
// phys devices move to the host (clearHost restores them there). Links an
// interrupted start left unmarked under a temporary name go too, in X and
// (veth host sides whose peer is in X) on the host, so that nothing of
// them outlives the teardown (clearTemp).
func clearInside(ns *NS) error {
	e, err := newEngine(ns, nil)
	if err != nil {
		return err
	}
	defer e.close()
	if err := e.clearTemp(); err != nil {
		return fmt.Errorf("temporary links: %w", err)
	}
	links, err := ownLinks(e.in, ns.Name)
	if err != nil {
		return fmt.Errorf("inside: %w", err)
	}
	return e.inside().remove(links)
}

// clearHost removes vserverx's links of namespace name from the host:
// virtual ones left there are deleted, phys devices restored.
func clearHost(host *netlink.Handle, name string) error {
	links, err := ownLinks(host, name)
	if err != nil {
		return fmt.Errorf("host: %w", err)
	}
	return hostPlace(host).remove(links)
}

// clearTemp deletes the unmarked temporary links of X: in X, and veth host
// sides on the host whose peer lives in X.
func (e *engine) clearTemp() error {
	nsid, err := e.host.GetNetNsIdByFd(e.ns.fd)
	if err != nil {
		nsid = -1 // X has no id on the host: no link there points into it
	}
	peers, err := hostTempPeers(e.host, nsid)
	if err != nil {
		return err
	}
	if err := clearTempInside(e.in, e.ns.NewHandle); err != nil {
		return err
	}
	return deleteLinks(e.host, hostHandle, peers)
}
