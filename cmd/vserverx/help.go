// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

// appHelpTemplate is `vserverx --help`: the vserver-order usage, the guest
// commands (which live in a per-guest sub-app) and the guest-less ones.
const appHelpTemplate = `NAME:
   {{.Name}} - {{.Usage}}

USAGE:
   vserverx [global options] NAME COMMAND [args...]
   vserverx [global options] start-all|stop-all|status-all|list [options]
   vserverx NAME COMMAND --help      help for one guest command

DESCRIPTION:
   {{wrap .Description 3}}

GUEST COMMANDS:
   start [ARGS...]     set up the guest's namespace, then run 'vserver NAME start ARGS...' inside it
   stop [ARGS...]      run 'vserver NAME stop ARGS...' inside the namespace, then remove it when unused
   restart [ARGS...]   stop, then start
   enter [-- CMD...]   a shell (or CMD) inside the guest's namespace, like 'ip netns exec'
   status [--json]     the namespace, its interfaces and processes, the group; exit 0 running, 3 stopped
   check               validate the guest's and its namespace's configuration; change nothing
   plan [ARGS...]      print the steps 'start' would take; change nothing
   apply [--dry-run] [--recreate]
                       change the running group's namespace to match its definition; guests keep running
   setup               install the scriptlets and namespace-cleanup-skip entry util-vserver needs
   adopt [--dry-run]   take over an old-style network configuration (netns/, ip scriptlet, interfaces/), with a backup
   anything else       passed to 'vserver NAME COMMAND ...' unchanged

COMMANDS:
{{range .VisibleCommands}}   {{join .Names ", "}}{{"\t"}}{{.Usage}}
{{end}}
GLOBAL OPTIONS:
{{range .VisibleFlags}}   {{.}}
{{end}}
EXIT STATUS:
   the wrapped vserver's own exit code where it ran; 1 for an error vserverx
   found itself; 2 for a usage error. status: 0 running, 3 stopped.

VERSION:
   {{.Version}}

See vserverx(8).
`
