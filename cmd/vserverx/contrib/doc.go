// Package contrib holds vserverx's packaging files and their tests:
//
//   - vserverx.service: systemd unit (Type=oneshot, RemainAfterExit) running
//     `vserverx start-all --mark default` and `stop-all --mark default`;
//   - vserverx.init: the same as a SysV init script with an LSB header
//     (start, stop, restart, force-reload, status);
//   - vserverx.default: /etc/default/vserverx, read by both;
//   - vserverx.bash-completion: commands, global options, guest names;
//   - install.mk: the install-contrib make target.
//
// The package has no code; its tests check the files with the tools that
// read them (systemd-analyze, sh, bash, make).
package contrib
