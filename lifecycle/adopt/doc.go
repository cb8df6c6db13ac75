// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package adopt turns a guest whose network is configured the old ways into
// a vserverx-managed guest with the same addresses: `vserverx NAME adopt`.
//
// # Sources
//
// Prepare looks for three kinds of old configuration, in this order of
// precedence, and merges what it finds (a conflict is an error naming both
// places):
//
//  1. util-vserver's own netns/ (legacy.ReadUtilNetns): the guest's
//     directory is moved into the backup; a .defaults/netns stays (other
//     guests use it) and the guest gets a nonetns file instead.
//  2. Hand-written ip scriptlets (legacy.ReadScriptlets): the network
//     scriptlets are moved into the backup.
//  3. Classic interfaces/ entries on host devices, for a guest that has no
//     namespace yet: each device becomes one interface of X with the
//     device's name inside, so interfaces/N/dev stays valid; a dev BASE.VID
//     becomes a vlan VID on BASE (and gets novlandev, so that util-vserver
//     does not create it), any other a macvlan in bridge mode on dev.
//
// The result is a Plan: the namespace definition CONFDIR/.netns/X, the
// guest's spaces/net, a nonetns or novlandev where needed, the old files to
// move aside, and what `vserverx NAME setup` installs (vspace.Setup). Before
// a Plan is returned it is applied to a scratch copy of the confdir, which
// must then load and check clean; so a dry run finds every reason an
// adoption would fail.
//
// # Applying and the backup
//
// Apply changes the confdir step by step. Every file it rewrites or moves
// aside is first copied (or moved) under CONFDIR/NAME/.vserverx-adopt/TS/
// (TS: the UTC time) with its path relative to CONFDIR; every path it
// creates is listed in the file CREATED there (the topmost path that did
// not exist before: a new directory, or a file) before it is created. To
// restore by hand: delete the listed paths, then copy the backup's files
// back. Files are written atomically (temporary file and rename). When a
// step fails, what was done is undone in reverse order and the backup
// directory is removed again: the confdir is as it was.
package adopt
