package netns

import (
	"errors"
	"fmt"
	"sync"

	"github.com/vishvananda/netlink"
)

// deleteLinks deletes links of namespace n (missing ones are fine). One
// link is deleted through h; several are deleted concurrently, each through
// its own netlink socket in n: the kernel makes every RTM_DELLINK wait for
// an RCU barrier (about 20 ms) after it has released the rtnl lock, and
// waits that overlap share barriers, so K links cost about two barriers
// instead of K.
//
// Equivalent to: ip -n NAME link del DEV, for each link, in parallel.
func deleteLinks(n *NS, h *netlink.Handle, links []netlink.Link) error {
	if len(links) == 1 {
		return deleteLink(h, links[0])
	}
	errs := make([]error, len(links))
	var wg sync.WaitGroup
	for i, l := range links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own, err := n.NewHandle()
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

// deleteLink deletes l through h; a link that is already gone is fine.
func deleteLink(h *netlink.Handle, l netlink.Link) error {
	if err := ignoreGone(h.LinkDel(l)); err != nil {
		return fmt.Errorf("delete link %s: %w", l.Attrs().Name, err)
	}
	return nil
}
