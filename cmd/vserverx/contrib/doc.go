// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package contrib holds vserverx's packaging files and their tests:
//
//   - vserverx.service: systemd unit (Type=oneshot, RemainAfterExit) running
//     `vserverx start-all --mark default` and `stop-all --mark default`;
//   - vserverx.init: the same as a SysV init script with an LSB header
//     (start, stop, restart, force-reload, status);
//   - vserverx.default: /etc/default/vserverx, read by both;
//   - vserverx.bash-completion: commands, global options, guest names;
//   - install.mk: the install-contrib make target;
//   - deb/: what `make deb` adds to a `make install` tree to make the Debian
//     package: version.sh (the version rule), mkdeb.sh (assembles and runs
//     dpkg-deb), control.in, conffiles, the maintainer scripts (postinst,
//     prerm, postrm: register the unit and the init script, enable and start
//     nothing), lintian-overrides, and copyright.sh, which writes the
//     package's DEP-5 copyright file from the modules `go version -m` finds
//     in the binary (copyright.head for vserverx and the Go standard
//     library, modules.dep5 for each module, licenses.dep5 for the licence
//     texts) and refuses a module that modules.dep5 does not list.
//
// The package has no code; its tests check the files with the tools that
// read them (systemd-analyze, sh, bash, make, dpkg-deb, lintian); they
// also check that every source file of the repository carries its SPDX
// licence tag, that make test checks the oldest Go of go.mod and keeps its
// caches outside the checkout, and that make demo behaves in a pipe, on a
// terminal and on a host that uses ip netns already.
package contrib
