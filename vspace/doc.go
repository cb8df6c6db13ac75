// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package vspace fits vserverx's named network namespaces into
// util-vserver's start and stop: it rewrites util-vserver's
// VSPACE_SHARED_CMD array, writes the bash scriptlets that hand the array
// to vserverx, and installs and checks those scriptlets and the
// namespace-cleanup-skip entry of a guest.
//
// # The problem
//
// A guest G whose spaces/net names X makes util-vserver believe that G
// shares the net space of a running vserver context X. It appends the five
// words
//
//	/usr/sbin/vspace --enter X --net --
//
// to its bash array VSPACE_SHARED_CMD, which prefixes the whole start
// chain. X is a named network namespace (/run/netns/X), not a context, so
// vspace would fail.
//
// # The model
//
// util-vserver sources every non-executable file of scripts/PHASE.d/ with
// $1=PHASE and $2=GUEST, inside its own bash, after it built the array and
// before it uses it. "vserverx G setup" (Setup.Install) puts such a file,
// PrepreStartScriptlet, into CONFDIR/G/scripts/prepre-start.d/vserverx. It
// runs
//
//	eval "$(vserverx GLOBALS G vspace-rewrite -- "${VSPACE_SHARED_CMD[@]}")"
//
// and the CLI answers with FormatAssignment("VSPACE_SHARED_CMD",
// Rewrite(words, managed, inside, prefix)): the same words, with every
// "vspace --enter X --net --" for a namespace X that vserverx manages
//
//   - dropped, when the chain already runs inside X — "vserverx G start"
//     runs "vserver G start" inside X with VSERVERX_NETNS=X, which the CLI
//     passes as inside;
//   - replaced by prefix(X), a vserverx command that sets X up and runs the
//     rest of the chain inside it, when G was started by plain
//     "vserver G start".
//
// Everything else stays word for word. The rewrite is pure Go; the answer
// is quoted with Quote, so any byte string survives bash's eval.
//
// PostpostStopScriptlet (scripts/postpost-stop.d/vserverx) runs
// "vserverx GLOBALS G teardown" after a plain "vserver G stop", so X goes
// away when its last user stops; under "vserverx G stop" it does nothing.
//
// # Protecting the host's mounts
//
// "vserver G start" runs in a mount namespace copied from the host's and
// lazily unmounts every path its namespace-cleanup-skip does not list.
// /run/netns is a shared mount, so those unmounts would reach the host and
// remove the names of namespaces there. Therefore:
//
//   - Install adds NETNS_DIR/X to CONFDIR/G/namespace-cleanup-skip, so X
//     stays visible inside G's mount namespace;
//   - the prepre-start scriptlet runs "mount --make-rslave /" inside
//     util-vserver's mount namespace before the cleanup;
//   - Install also places HostRslaveScriptlet in
//     CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave, doing the
//     same for every guest vserverx does not manage, and Setup.Bypassing
//     names the guests whose own initialize scriptlets make util-vserver
//     skip it (util-vserver runs .defaults/scripts for a phase only when
//     the guest has no scriptlets for it, or one of them sets
//     DONT_SKIP_DEFAULTS). The guest scriptlets set DONT_SKIP_DEFAULTS=1 so
//     that they never hide the administrator's host-wide ones.
//
// The scriptlets skip the mount when they run in PID 1's mount namespace:
// there util-vserver does no cleanup, and the mounts are the host's own.
//
// Every scriptlet starts with a marker line naming its version
// (Marker, "# vserverx scriptlet v1"); Setup.Check reports scriptlets that
// are missing, differ from what this vserverx writes, or are executable.
//
// Each file setup manages for a guest is described once (path, wanted
// content and mode, or the line namespace-cleanup-skip must hold), and
// Check, Plan and Install all judge the file on disk by that one
// description, so what check reports and what setup changes cannot drift
// apart.
package vspace
