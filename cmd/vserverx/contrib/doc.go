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
//     nothing), copyright and lintian-overrides.
//
// The package has no code; its tests check the files with the tools that
// read them (systemd-analyze, sh, bash, make, dpkg-deb, lintian).
package contrib
