package netns

import (
	"errors"
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
)

// linkPlace is a network namespace vserverx removes its links from: inside
// X, or the host. It is the one place that decides how a link of
// vserverx's is removed (remove) and the only code that deletes links.
type linkPlace struct {
	h      *netlink.Handle                 // netlink handle in that namespace
	open   func() (*netlink.Handle, error) // opens another handle there (parallel deletes)
	host   *netlink.Handle                 // handle on the host (h itself on the host)
	hostFd int                             // inside X: the host's namespace file; -1 on the host
}

// hostPlace is the host, reached through h.
func hostPlace(h *netlink.Handle) linkPlace {
	return linkPlace{h: h, open: hostHandle, host: h, hostFd: -1}
}

// inside is X as the engine reaches it.
func (e *engine) inside() linkPlace {
	return linkPlace{h: e.in, open: e.ns.NewHandle, host: e.host, hostFd: e.hostFd}
}

// onHost is the host as the engine reaches it.
func (e *engine) onHost() linkPlace { return hostPlace(e.host) }

// remove removes vserverx's links ls, all found in p. A phys device goes
// back to the host under its original name: found in X, it moves to the
// host under a temporary name (its name in X may be taken there); found on
// the host, it gets its original name, MTU, MAC, alias and UP state back.
// Every other link is deleted, several at once (deleteLinks). So a phys
// device taken out of X is restored once the host, too, is cleared.
//
// Equivalent to: ip [-n X] link del DEV, or ip -n X link set DEV netns 1
// name TMP, or ip link set TMP name ORIG mtu MTU address MAC alias OLD up.
func (p linkPlace) remove(ls []ownLink) error {
	var errs []error
	var others []netlink.Link
	for _, l := range ls {
		if l.tag.Phys != nil {
			errs = append(errs, p.giveBack(l))
		} else {
			others = append(others, l.link)
		}
	}
	return errors.Join(append(errs, deleteLinks(p.h, p.open, others))...)
}

// giveBack moves a phys device from X to the host, or restores it on the
// host.
func (p linkPlace) giveBack(l ownLink) error {
	if p.hostFd < 0 {
		return restoreOnHost(p.h, l)
	}
	return moveOut(p.h, p.host, p.hostFd, l)
}

// deleteLinks deletes links (missing ones are fine). One link is deleted
// through h; several are deleted concurrently, each through its own netlink
// socket from open: the kernel makes every RTM_DELLINK wait for an RCU
// barrier (about 20 ms) after it has released the rtnl lock, and waits that
// overlap share barriers, so K links cost about two barriers instead of K.
//
// Equivalent to: ip [-n NAME] link del DEV, for each link, in parallel.
func deleteLinks(h *netlink.Handle, open func() (*netlink.Handle, error), links []netlink.Link) error {
	if len(links) == 1 {
		return deleteLink(h, links[0])
	}
	errs := make([]error, len(links))
	var wg sync.WaitGroup
	for i, l := range links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own, err := open()
			if err != nil {
				errs[i] = fmt.Errorf("delete link %s: %w", l.Attrs().Name, err)
				return
			}
			defer own.Close()
			errs[i] = deleteLink(own, l)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// deleteLink deletes l through h; a link that is already gone is fine. It
// also serves a link that does not carry vserverx's alias yet (under its
// temporary name, right after creation).
//
// Equivalent to: ip [-n NAME] link del DEV.
func deleteLink(h *netlink.Handle, l netlink.Link) error {
	if err := ignoreGone(h.LinkDel(l)); err != nil {
		return fmt.Errorf("delete link %s: %w", l.Attrs().Name, err)
	}
	return nil
}

// removeOne removes l (linkPlace.remove); nil is nothing to remove.
func (p linkPlace) removeOne(l *ownLink) error {
	if l == nil {
		return nil
	}
	return p.remove([]ownLink{*l})
}
