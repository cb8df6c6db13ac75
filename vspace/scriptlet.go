// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"fmt"
	"strings"
)

// EnvNetns is the environment variable vserverx sets to X for the programs
// of util-vserver it runs inside namespace X ("vserver G start/stop",
// vprocunhide) and for `enter`. The scriptlets read it to learn whether
// vserverx drives the start or stop.
const EnvNetns = "VSERVERX_NETNS"

// ScriptletVersion is the version of the scriptlet texts this package
// writes. It is part of Marker; raise it whenever a text changes in a way
// an administrator should notice.
const ScriptletVersion = 1

// MarkerPrefix starts the first line of every scriptlet vserverx writes;
// Marker is the full first line of the current version.
const MarkerPrefix = "# vserverx scriptlet v"

// Marker returns the first line of the scriptlets of this version,
// "# vserverx scriptlet v1".
func Marker() string { return fmt.Sprintf("%s%d", MarkerPrefix, ScriptletVersion) }

// HasMarker reports whether text is a scriptlet written by some version of
// vserverx (its first line starts with MarkerPrefix).
func HasMarker(text []byte) bool { return strings.HasPrefix(string(text), MarkerPrefix) }

// The hidden vserverx commands the scriptlets and the rewritten
// VSPACE_SHARED_CMD call, as "vserverx GLOBALS GUEST COMMAND ...".
const (
	// RewriteCommand prints VSPACE_SHARED_CMD rewritten (prepre-start).
	RewriteCommand = "vspace-rewrite"
	// TeardownCommand removes the guest's namespace when unused (postpost-stop).
	TeardownCommand = "teardown"
	// NetnsExecCommand sets the namespace up and execs the rest of the
	// start chain inside it (plain "vserver GUEST start").
	NetnsExecCommand = "netns-exec"
)

// ScriptletOptions are the values embedded in the guest scriptlets.
type ScriptletOptions struct {
	// Vserverx is the absolute path of the vserverx binary.
	Vserverx string
	// GlobalArgs are the global options setup was called with, passed on to
	// every vserverx call from the scriptlets, e.g. ["--confdir", "/etc/vservers"].
	GlobalArgs []string
}

// Command is the argv of "vserverx GLOBALS guest command", as the
// scriptlets run it.
func (o ScriptletOptions) Command(guest, command string) []string {
	argv := append([]string{o.Vserverx}, o.GlobalArgs...)
	return append(argv, guest, command)
}

// locals returns the vserverx binary and the global options as bash
// local variables of the scriptlet function.
func (o ScriptletOptions) locals() string {
	globals := make([]string, len(o.GlobalArgs))
	for i, a := range o.GlobalArgs {
		globals[i] = Quote(a)
	}
	return "\tlocal vserverx=" + Quote(o.Vserverx) + "\n" +
		"\tlocal -a globals=( " + strings.Join(globals, " ") + " )\n"
}

// header returns the marker line and the common part of the comment.
func header(phase, where string) string {
	return Marker() + " (" + phase + ")\n" + `#
# Written by vserverx; do not edit. ` + where + `
#
# util-vserver SOURCES this file, because it is not executable, from its
# execScriptlets function with $1=PHASE and $2=GUEST, so that it can read
# and change util-vserver's own variables. It must stay non-executable
# (mode 0644): an executable scriptlet runs as a child process instead.
`
}

// rslaveFunc is the bash text shared by the prepre-start and the host-wide
// initialize scriptlet: it makes the root mount rslave unless this shell
// runs in PID 1's mount namespace (then util-vserver made no namespace of
// its own, does no namespace cleanup, and the mounts are the host's).
const rslaveFunc = `	# Inside util-vserver's own mount namespace only: in PID 1's this
	# would change the host's mounts.
	if ! [[ /proc/self/ns/mnt -ef /proc/1/ns/mnt ]]; then
		if ! mount --make-rslave /; then
			echo "vserverx: guest $2: mount --make-rslave / failed; not starting the guest, its namespace cleanup could unmount host mounts (such as /run/netns/*)" >&2
			return 1
		fi
	fi
`

// rslaveComment explains rslaveFunc in the scriptlet header.
const rslaveComment = `#   mount --make-rslave /: util-vserver starts a guest in a mount
#   namespace of its own that copies the host's, and its namespace cleanup
#   later unmounts every path its namespace-cleanup-skip does not list.
#   /run/netns is a shared mount, so without this those unmounts propagate
#   to the host and remove the names of network namespaces there. rslave
#   keeps host mounts flowing in and stops unmounts flowing out. It is
#   skipped when this shell shares PID 1's mount namespace: then util-vserver
#   does no cleanup and the mounts are the host's own.
`

// wrapCall returns the lines that call fn with the scriptlet's arguments,
// remove the function again and make the sourcing fail when it failed.
func wrapCall(fn string) string {
	return `if ` + fn + ` "$@"; then
	unset -f ` + fn + `
else
	unset -f ` + fn + `
	return 1
fi
`
}

// PrepreStartScriptlet returns the text of CONFDIR/G/scripts/prepre-start.d/vserverx,
// sourced by util-vserver before it starts guest G. It
//
//   - sets DONT_SKIP_DEFAULTS=1, so that this guest scriptlet does not make
//     util-vserver skip the administrator's .defaults/scripts/prepre-start*;
//   - makes / rslave in util-vserver's mount namespace, so that its
//     namespace cleanup cannot unmount host mounts such as /run/netns/X;
//   - hands VSPACE_SHARED_CMD to "vserverx GLOBALS G vspace-rewrite -- WORDS..."
//     (RewriteCommand)
//     and evaluates the assignment it prints (see Rewrite).
//
// Any failure makes the sourcing return 1, which fails the start, with a
// message naming the guest.
func PrepreStartScriptlet(opt ScriptletOptions) string {
	const fn = "__vserverx_prepre_start"
	return header("prepre-start", `"vserverx GUEST setup" rewrites it and
# "vserverx GUEST check" reports when it differs from what setup writes.`) + `#
# It does three things:
#
#   DONT_SKIP_DEFAULTS=1: once a guest has scriptlets of its own for a
#   phase, util-vserver skips the ones in .defaults/scripts for that phase
#   unless a sourced scriptlet sets this. This file must not hide the
#   administrator's host-wide scriptlets.
#
` + rslaveComment + `#
#   VSPACE_SHARED_CMD: spaces/net of this guest names a network namespace X
#   that vserverx manages, but util-vserver believes X is a running context
#   and put "vspace --enter X --net --" into this array, the command prefix
#   of the whole start chain. That would fail. vserverx rewrites the array:
#   it drops those words when the start already runs inside X ("vserverx
#   GUEST start" sets ` + EnvNetns + `=X), or replaces them by a command that sets X
#   up and enters it (plain "vserver GUEST start"). Its answer is a bash
#   array assignment, evaluated here.

DONT_SKIP_DEFAULTS=1

` + fn + `() {
` + opt.locals() + `	local assignment

` + rslaveFunc + `
	if ! assignment=$("$vserverx" "${globals[@]}" "$2" ` + RewriteCommand + ` -- "${VSPACE_SHARED_CMD[@]}"); then
		echo "vserverx: guest $2: $vserverx ` + RewriteCommand + ` failed; not starting the guest" >&2
		return 1
	fi
	case $assignment in
	'VSPACE_SHARED_CMD=('*) ;;
	*)
		echo "vserverx: guest $2: $vserverx ` + RewriteCommand + ` printed no VSPACE_SHARED_CMD assignment; not starting the guest" >&2
		return 1
		;;
	esac
	eval "$assignment"
}

` + wrapCall(fn)
}

// PostpostStopScriptlet returns the text of CONFDIR/G/scripts/postpost-stop.d/vserverx,
// sourced by util-vserver after it stopped guest G. When VSERVERX_NETNS is
// not set (plain "vserver G stop") it runs "vserverx GLOBALS G teardown",
// which removes X when nothing uses it any more; when it is set, vserverx
// itself is stopping the guest and tears X down afterwards, so it does
// nothing. It sets DONT_SKIP_DEFAULTS=1 like PrepreStartScriptlet. A failed
// teardown is reported with a hint but does not fail the stop: the guest
// is stopped by then.
func PostpostStopScriptlet(opt ScriptletOptions) string {
	const fn = "__vserverx_postpost_stop"
	return header("postpost-stop", `"vserverx GUEST setup" rewrites it and
# "vserverx GUEST check" reports when it differs from what setup writes.`) + `#
# After a plain "vserver GUEST stop" it asks vserverx to tear down the
# guest's network namespace, which vserverx does only when no process and
# no other running guest uses it any more. Under "vserverx GUEST stop"
# (` + EnvNetns + ` is set) it does nothing: vserverx tears down itself.
# It sets DONT_SKIP_DEFAULTS=1 so that util-vserver still runs the
# administrator's .defaults/scripts/postpost-stop* for this guest.

DONT_SKIP_DEFAULTS=1

` + fn + `() {
` + opt.locals() + `
	if [[ -n ${` + EnvNetns + `-} ]]; then
		return 0
	fi
	if ! "$vserverx" "${globals[@]}" "$2" ` + TeardownCommand + `; then
		echo "vserverx: guest $2 is stopped, but tearing down its network namespace failed; \"$vserverx $2 stop\" retries" >&2
	fi
	return 0
}

` + wrapCall(fn)
}

// HostRslaveScriptlet returns the text of
// CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave: for every guest,
// also those vserverx does not manage, it makes / rslave in util-vserver's
// mount namespace before the namespace cleanup runs, so that starting any
// guest cannot remove /run/netns/X from the host. util-vserver skips it for
// guests with initialize scriptlets of their own that do not set
// DONT_SKIP_DEFAULTS (see Setup.Bypassing).
func HostRslaveScriptlet() string {
	const fn = "__vserverx_rslave"
	return header("initialize, host-wide", `"vserverx GUEST setup" installs it when it is
# missing and updates it when it carries an older vserverx marker; remove the
# first line to keep your own version.`) + `#
# It runs for every guest, also those vserverx does not manage:
#
` + rslaveComment + `
` + fn + `() {
` + rslaveFunc + `}

` + wrapCall(fn)
}
