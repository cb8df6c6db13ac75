// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package netns is vserverx's network engine: iproute2-compatible named
// network namespaces, the links vserverx puts into them, and the undo of
// every step.
//
// # Model
//
// A named namespace X is what `ip netns add X` makes: an nsfs bind mount at
// DIR/X (DIR is /run/netns on current systems), where DIR itself is a shared
// mount point. The mount work is always done in the host's mount namespace
// (PID 1's), also when the caller runs inside another mount namespace, so
// that `ip netns list` on the host sees the name.
//
// Namespaces belong to OS threads, not to processes or goroutines. The
// package therefore never switches the namespace of a goroutine it does not
// own: NS.Do runs a function on a fresh goroutine locked to an OS thread
// other than the main thread, and unlocks that thread only when switching
// back worked (otherwise the Go runtime discards the thread). Netlink work
// uses handles whose sockets were opened inside the namespace (NS.NewHandle,
// through netlink.NewHandleAt), asking for NETLINK_ROUTE only;
// interrupted netlink dumps are retried in one place (see retry_linux.go).
//
// Every link vserverx creates carries the interface alias "vserverx:X:N"
// (config.LinkAlias, which formats and parses it). Cleanup finds vserverx's links by that alias
// only, so a link without it is never modified or deleted. A physical
// device moved into X keeps, in the same alias, everything needed to put it
// back as it was (original name, MTU, MAC, alias, UP state), so teardown
// after a crash can restore it.
//
// Every step that changes the system returns an Undo that rolls back
// exactly that step; functions that fail half-way roll back what they did
// themselves before returning the error.
package netns
