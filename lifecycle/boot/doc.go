// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package boot is the engine behind `vserverx start-all`, `stop-all` and
// `status-all`, the replacement of util-vserver's start-vservers /
// vservers-default init script. It reads the guests' apps/init/mark and
// apps/init/depends (through config.Guest) and nothing else: how one guest
// is started, stopped or asked whether it runs comes in as a callback
// (Action, Probe), so the package knows nothing of namespaces or of
// util-vserver's command.
//
// # Selection
//
// Selection follows util-vserver's getAllVservers (scripts/functions):
//
//   - Only directories of the confdir are guests (dot-directories are not).
//     A guest with a `disabled` file or without `vdir` is never selected.
//   - Every --mark value is a comma-separated list of marks. A guest matches
//     the value when one of its apps/init/mark lines equals one of the
//     marks; when the marks carry a leading `!` or `~` the value matches the
//     guests that carry none of them.
//   - Several --mark options (and --all) are intersected, as util-vserver
//     intersects the sets of getAllVserversByArg: `--mark a --mark '!b'`
//     selects the guests marked a and not b. --all alone selects every
//     (enabled, vdir-having) guest; together with --mark it adds nothing,
//     exactly as in util-vserver's own `start-vservers -m MARK --all`.
//
// # Ordering
//
// Ordering follows apps/init/depends. start-all starts a dependency that
// was not selected itself too (util-vserver's make-based start-vservers
// builds every prerequisite); stop-all only orders the selected guests
// among themselves (a guest stops after every selected guest that depends
// on it, directly or through other guests) and stops nothing else.
//
// A broken dependency never stops the whole run. For start-all, a guest
// whose depends names no guest, or that lies on a dependency cycle, is
// blocked: it and every guest that needs it are skipped with their reason,
// and everything else runs. For stop-all, an entry naming no guest is
// ignored with a warning, and the guests of one cycle (a strongly
// connected component of the dependency graph) get no order among
// themselves but keep their order against every other guest. Check reports
// the same in the same words, for check-all. Only bad options are an error
// (wrapping ErrConfig), reported before any guest is acted on.
//
// # Running
//
// The plan is a graph of nodes, one per guest, each with the guests it
// waits for. The runner acts on a node as soon as every node it waits for
// has succeeded, at most Options.Jobs at a time, and never on two members
// of one namespace group (guests whose spaces/net names the same
// namespace) at once. A failed node skips its dependants, transitively.
// Each guest gets one line as it finishes (result and time), and the run
// ends with a summary; the exit codes are those of vserverx's table
// (ExitAll, ExitNone, ExitSome). With Options.DryRun the plan is printed
// as waves (1 + the longest chain of dependencies) and nothing is done.
package boot
