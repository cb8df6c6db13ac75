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
// # Applying, the backup and undo
//
// Apply changes the confdir step by step. Every file it rewrites or moves
// aside is first copied (or moved) under CONFDIR/NAME/.vserverx-adopt/TS/
// (TS: the UTC time) with its path relative to CONFDIR; every path it
// creates — each new file and each new directory, files before the
// directories they are in — is listed in the file CREATED there before it
// is created, and the file UNDO lists what was moved aside, saved before a
// rewrite, and the checksum of every file written. Files are written
// atomically. When a step fails, what was done is undone in reverse order
// and the backup directory is removed again: the confdir is as it was.
//
// PrepareUndo and Undo.Apply (`adopt --undo`) take an adoption back: they
// refuse, changing nothing, when a file adopt wrote differs from what it
// wrote, something stands where a moved-aside path goes back, or another
// guest is in the namespace whose definition would go; otherwise they
// remove what CREATED lists (a directory only when empty, so that another
// adoption's definition in .netns stays), copy back what was saved, move
// back what was moved aside and remove the backup.
//
// # Several guests in one namespace
//
// A guest adopted into a namespace whose definition exists joins it:
// interfaces of the same inside name must match, new ones get the next
// numbers, and the definition's id stays when no MAC of the guest's old
// configuration was derived from the guest's own id
// (legacy.ProposedInterface.IDMAC); otherwise the refusal names the MAC
// and offers --id (Options.ID).
package adopt
