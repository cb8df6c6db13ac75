// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
)

// Enter runs argv (or $SHELL, else /bin/sh) inside the guest's namespace as
// `ip netns exec` does, with the environment of util-vserver's programs
// (wrapper.Vserver.Environ: VSERVERX_NETNS set). A command that exits
// non-zero is a *wrapper.ExitStatus carrying its status; one that is not
// found is one with status 127, as a shell says. When ctx ends, the command
// gets the signal that ended it, else SIGTERM (see wrapper.Wait).
func (e *Env) Enter(ctx context.Context, name string, argv []string) error {
	m, err := e.managed(name)
	if err != nil {
		return err
	}
	ns, err := e.openExisting(m)
	if err != nil {
		return err
	}
	defer ns.Close()
	if len(argv) == 0 {
		argv = []string{shell()}
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("enter %s: %w", m.NS(), &wrapper.ExitStatus{Command: argv[0], Code: ExitNotFound, Err: err})
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.Out, e.Err
	cmd.Env = e.Vserver.Environ(m.NS())
	if err := netns.StartIn(ns, cmd, netns.ExecOptions{RSlave: true, FreshSys: true, EtcNetns: true}); err != nil {
		return fmt.Errorf("entering namespace %s: %w", m.NS(), err)
	}
	return wrapper.Wait(ctx, cmd)
}

// ExitNotFound is the status of a command that was not found, as a shell
// reports it.
const ExitNotFound = 127

func shell() string {
	if s := os.Getenv("SHELL"); s != "" {
		return s
	}
	return "/bin/sh"
}

// openExisting opens the guest's namespace, with an error that says how to
// create it when it does not exist.
func (e *Env) openExisting(m Managed) (*netns.NS, error) {
	ns, err := netns.Open(e.Paths.NetnsDir, m.NS())
	if errors.Is(err, netns.ErrNotExist) {
		return nil, fmt.Errorf("network namespace %s (%s) is not set up: start guest %s first (vserverx %s start)",
			m.NS(), e.netnsPath(m.NS()), m.Guest.Name, m.Guest.Name)
	}
	return ns, err
}
