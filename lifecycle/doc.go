// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package lifecycle starts and stops vserverx-managed guests.
//
// The model: a start is a Plan, an ordered list of Steps (lock the
// namespace, create or join it, converge each interface, apply sysctls, run
// vprocunhide, run `vserver NAME start` inside it). The same Plan value is
// printed by `vserverx NAME plan` and executed by `vserverx NAME start`, so
// the two cannot drift apart. The lock is held around the other steps and
// released once vserver runs inside the namespace; the namespace step
// produces the namespace every later step acts in, and each of those
// returns a netns.Undo. When a later step fails, the context ends, or the
// wrapped vserver exits non-zero, the undos run in reverse order — unless
// another process already lives in the namespace, which then stays and is
// named. An ended context also stops the wait for the lock and sends the
// running vserver the signal that ended it (wrapper.Interrupted), else
// SIGTERM.
//
// Stop runs `vserver NAME stop` inside the namespace and then, under the
// namespace lock (Lock: an flock on STATEDIR/X.lock), tears the namespace
// down only when no process is left in it (after a short grace period for
// util-vserver's exiting helpers) and no other member of its group runs.
//
// Boot (start-all, stop-all, status-all) lives in the sub-package boot,
// which selects guests by apps/init/mark, orders them by apps/init/depends
// and runs them N at a time with the members of one group one after
// another; the CLI hands it Env's start, stop and running as callbacks.
//
// Env carries what all of this needs: the loaded configuration
// (config.Tree), util-vserver's command (wrapper.Vserver), the scriptlet
// setup (vspace.Setup), the output streams and the timeouts. The package
// reads no configuration file itself.
package lifecycle
