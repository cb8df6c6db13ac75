// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
)

// ErrRunsOutside is wrapped by the error saying that the running members of
// a group whose namespace X has no name run in network namespaces that hold
// none of vserverx's links for X: they run outside X (started before
// vserverx managed them), so X does not exist and none of them is named X.
var ErrRunsOutside = errors.New("running outside the namespace")

// lostNS is namespace X of a group after its name was removed (ip netns
// del) while members ran: every running member is in it, and it holds
// vserverx's links for X. ns is open through one of its processes and has
// no name (Path is empty) until nameAgain gives it back.
type lostNS struct {
	ns      *netns.NS
	id      uint64   // its inode, net:[ID]
	pid     int      // the process it was opened through
	members []string // the running members, all in it
	links   []string // vserverx's links for X in it
}

// memberNet is the network namespace one running member is in.
type memberNet struct {
	guest string
	id    uint64
}

// nameMissing reports whether namespace x has no name: DIR/X is missing or
// a stale plain file. Any other problem is not this one.
func (e *Env) nameMissing(x string) bool {
	ns, err := netns.Open(e.Paths.NetnsDir, x)
	if err == nil {
		ns.Close()
	}
	return errors.Is(err, netns.ErrNotExist) || errors.Is(err, netns.ErrStale)
}

// findLost looks for grp's namespace X among the network namespaces of its
// running members (running: util-vserver's answer for every member), for
// when X has no name. It returns nil and no error when no member runs. It
// succeeds only when every running member is in the same namespace and that
// namespace holds vserverx's links for X; when the members are in
// namespaces none of which holds them, the error wraps ErrRunsOutside. It
// changes nothing; the caller closes the returned namespace.
func (e *Env) findLost(ctx context.Context, grp *config.Group, running map[string]bool) (*lostNS, error) {
	x := grp.NS.Name
	var nets []memberNet
	for _, g := range grp.MemberNames() {
		if !running[g] {
			continue
		}
		id, err := e.memberNetns(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("namespace %s has no name and cannot be given it back: %w", x, err)
		}
		nets = append(nets, memberNet{g, id})
	}
	if len(nets) == 0 {
		return nil, nil
	}
	ids := distinctIDs(nets)
	held := map[uint64][]string{}
	for _, id := range ids {
		links, err := e.linksIn(x, id)
		if err != nil {
			return nil, fmt.Errorf("namespace %s has no name and cannot be given it back: %w", x, err)
		}
		held[id] = links
	}
	if len(ids) > 1 || len(held[ids[0]]) == 0 {
		return nil, notLost(grp, nets, held)
	}
	return e.openLost(x, ids[0], guestsOf(nets), held[ids[0]])
}

// distinctIDs lists the namespaces of nets, each once, in order.
func distinctIDs(nets []memberNet) []uint64 {
	var ids []uint64
	seen := map[uint64]bool{}
	for _, n := range nets {
		if !seen[n.id] {
			seen[n.id] = true
			ids = append(ids, n.id)
		}
	}
	return ids
}

func guestsOf(nets []memberNet) []string {
	names := make([]string, len(nets))
	for i, n := range nets {
		names[i] = n.guest
	}
	return names
}

// notLost is the error of findLost when the running members are not all in
// one namespace holding vserverx's links for X.
func notLost(grp *config.Group, nets []memberNet, held map[uint64][]string) error {
	x := grp.NS.Name
	var where []string
	anyHeld := false
	for _, n := range nets {
		links := held[n.id]
		what := "none of vserverx's links for " + x
		if len(links) > 0 {
			anyHeld = true
			what = "vserverx's links " + strings.Join(links, ", ") + " of " + x
		}
		where = append(where, fmt.Sprintf("%s in net:[%d] (holds %s)", n.guest, n.id, what))
	}
	if !anyHeld {
		why := ""
		if len(grp.NS.Interfaces) == 0 {
			why = fmt.Sprintf(" (%s defines no interfaces, so its namespace cannot be told from another)", x)
		}
		return fmt.Errorf("namespace %s does not exist; running guest(s) of group %s run outside it: %s%s: %w; not naming any of them %s",
			x, x, strings.Join(where, ", "), why, ErrRunsOutside, x)
	}
	return fmt.Errorf("namespace %s has no name, and the running guests of group %s are not all in one namespace holding its links: %s; not naming any of them %s, nothing was created: stop these guests and start them with vserverx",
		x, x, strings.Join(where, ", "), x)
}

// memberNetns asks util-vserver which network namespace the running guest
// is in.
//
// Equivalent to: vserver GUEST exec readlink /proc/self/ns/net.
func (e *Env) memberNetns(ctx context.Context, guest string) (uint64, error) {
	var out, errOut bytes.Buffer
	v := e.Vserver
	v.Stdin, v.Stdout, v.Stderr = strings.NewReader(""), &out, &errOut
	err := v.Run(ctx, netns.Own(), guest, "exec", "readlink", "/proc/self/ns/net")
	if err == nil {
		var id uint64
		if id, err = netns.ParseID(out.String()); err == nil {
			return id, nil
		}
	}
	return 0, fmt.Errorf("guest %s: asking which network namespace it runs in (%s %s exec readlink /proc/self/ns/net): %v %s",
		guest, e.vserverPathOrName(), guest, err, strings.TrimSpace(errOut.String()))
}

// linksIn lists vserverx's links for x in the namespace net:[id], opened
// through one of its processes.
func (e *Env) linksIn(x string, id uint64) ([]string, error) {
	ns, _, err := openByID(x, id)
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	return netns.OwnLinkNames(ns)
}

// openLost opens X, net:[id], through one of its processes.
func (e *Env) openLost(x string, id uint64, members, links []string) (*lostNS, error) {
	ns, pid, err := openByID(x, id)
	if err != nil {
		return nil, fmt.Errorf("namespace %s has no name and cannot be given it back: %w", x, err)
	}
	return &lostNS{ns: ns, id: id, pid: pid, members: members, links: links}, nil
}

// openByID opens the network namespace net:[id] as namespace x through the
// first of its processes (other than this one) that can be opened, and
// returns that process.
func openByID(x string, id uint64) (*netns.NS, int, error) {
	pids, err := netns.PidsInID(id)
	if err != nil {
		return nil, 0, err
	}
	var errs []error
	for _, pid := range pids {
		if pid == os.Getpid() {
			continue
		}
		ns, err := netns.OpenPid(x, pid, id)
		if err == nil {
			return ns, pid, nil
		}
		errs = append(errs, err)
	}
	return nil, 0, errors.Join(append([]error{fmt.Errorf("no process of net:[%d] could be opened", id)}, errs...)...)
}

// nameAgain gives the lost namespace its name DIR/X back, as `ip netns
// attach X PID` does, and says so. The name stays: it is not undone when
// what follows fails.
func (e *Env) nameAgain(l *lostNS) error {
	if _, err := netns.Attach(e.Paths.NetnsDir, l.ns); err != nil {
		return err
	}
	e.infof("namespace %s had no name: named it %s again (net:[%d], from process %d of guest(s) %s; it holds %s)",
		l.ns.Name, l.ns.Path, l.id, l.pid, strings.Join(l.members, ", "), strings.Join(l.links, ", "))
	return nil
}

// recoverName gives m's namespace its name back when it lost it while
// members of m's group ran (see findLost), under the namespace lock, and
// returns util-vserver's answer about which members run (one question for
// all of them). When the name exists, nothing is asked and the map is nil.
// Members running outside X are warned about (start then creates X as
// before); any other reason not to name their namespace X is an error and
// nothing was created.
func (e *Env) recoverName(ctx context.Context, m Managed) (map[string]bool, error) {
	x := m.NS()
	if !e.nameMissing(x) {
		return nil, nil
	}
	lock, err := e.lock(ctx, x)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if !e.nameMissing(x) {
		return nil, nil
	}
	running, err := e.AskRunning(ctx, m.Group.MemberNames()...)
	if err != nil {
		return nil, err
	}
	lost, err := e.findLost(ctx, m.Group, running)
	switch {
	case errors.Is(err, ErrRunsOutside):
		e.warnf("%v", err)
		return running, nil
	case err != nil || lost == nil:
		return running, err
	}
	defer lost.ns.Close()
	return running, e.nameAgain(lost)
}
