// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package config reads and validates everything vserverx knows about a
// util-vserver confdir (/etc/vservers), once. No other package reads a
// confdir file: they get the plain structs of this package.
//
// # The model
//
// A confdir holds one directory per guest (CONFDIR/NAME; dot-directories and
// plain files are not guests) and vserverx's namespace definitions under
// CONFDIR/.netns/X. Load reads all of it into a Tree:
//
//   - Guest: the files of CONFDIR/NAME vserverx needs (context, spaces/net,
//     namespace-cleanup-skip, apps/init/mark and depends, disabled, vdir,
//     util-vserver's own netns/), and util-vserver's classic network
//     configuration: interfaces/N/ as ClassicInterface (resolved with
//     util-vserver's inheritance and defaults) and ncontext.
//   - Namespace: a definition CONFDIR/.netns/X (id, interfaces/N/, sysctl/,
//     novprocunhide), or the implicit empty one of a guest whose spaces/net
//     names itself.
//   - Group: a managed namespace with the guests that share it. A guest is
//     managed when spaces/net names X and CONFDIR/.netns/X exists, or X is the
//     guest's own name; every other guest is passed through to vserver.
//
// A group's Namespace is complete for the network engine: interfaces sorted
// by number with every default filled in (name ethN, macvlan mode bridge,
// generated MACs 02:VV:VV:II:II:NN from the VLAN, the id and N, veth host
// side "vx-X-N" with MAC 06:...), sysctls sorted, the id taken from the id
// file or else from guest X's context.
//
// # Reading rules
//
// Values are read the way util-vserver reads them: the first line, with
// surrounding blanks and a CR removed (ParseValue). List files (ip, gateway,
// namespace-cleanup-skip, apps/init/mark, apps/init/depends) hold one entry
// per line; blank lines and lines starting with '#' are ignored (ParseList).
// A missing file (or a dangling symlink) is absent. A key that is a
// directory, not a regular file, or cannot be read is a Problem naming it.
// Entries starting with a dot are ignored in every directory vserverx reads
// (.keep files and the like); any other unknown entry in .netns/X or
// interfaces/N is a Problem listing the allowed keys (typo protection).
//
// # Problems, not errors
//
// Load fails only when the confdir itself cannot be read. Everything wrong
// with a file is recorded as a Problem (the file and what is wrong, with what
// is allowed) and reported, all together, by Check (one guest, its namespace
// and group), CheckGroup (one namespace and its members) and CheckAll. The
// structs of a tree with problems are filled as far as possible; callers must
// not act on a guest or group whose check holds an error. A Problem of
// SeverityWarning is only told (Problems.Err ignores it).
//
// CheckClassic checks what util-vserver will do with a managed guest's
// interfaces/ inside its namespace (devices that will not be there, VLAN
// devices it would create there, indirect entries, addresses configured
// twice or by two members); ClassicAddrs lists the addresses it will add.
// Problems of reading a guest's interfaces/ and ncontext are reported by
// CheckClassic of that guest only.
//
// util-vserver's util-vserver-vars (shell assignments) is read by ParseVars
// and LoadVars; DefaultPaths turns it into the Paths vserverx works with.
package config
