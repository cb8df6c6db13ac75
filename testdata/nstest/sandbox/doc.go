// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package sandbox holds the parts of the test sandbox that do not need
// package testing, so that the benchmark (cmd/vxbench), a program, can use
// them too: preparing a fresh network and mount namespace, stand-in host
// NICs, and comparing line-based snapshots. Package nstest wraps them for
// tests. vserverx itself never uses this package: it touches only links
// that carry its own alias (package netns).
package sandbox
