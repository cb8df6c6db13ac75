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
	"github.com/vserverx/vserverx/vspace"
)

// The entry points of the hidden commands the scriptlets `setup` installs
// call from inside util-vserver (see vspace.RewriteCommand,
// vspace.NetnsExecCommand and vspace.TeardownCommand).

// VspaceAssignment is the answer to the prepre-start scriptlet of guest
// name: the bash assignment VSPACE_SHARED_CMD=( ... ) of util-vserver's
// words with each `vspace --enter X --net --` run of a namespace vserverx
// manages dropped, when VSERVERX_NETNS says the start chain already runs
// inside X, or replaced by the prefix `vserverx GLOBALS NAME netns-exec --`
// that sets X up and enters it (plain `vserver NAME start`). See
// vspace.Rewrite.
func (e *Env) VspaceAssignment(name string, words []string) string {
	managed := func(x string) bool { return e.Tree.Group(x) != nil }
	prefix := func(string) []string {
		return append(e.Setup.Opt.Command(name, vspace.NetnsExecCommand), "--")
	}
	out := vspace.Rewrite(words, managed, os.Getenv(vspace.EnvNetns), prefix)
	return vspace.FormatAssignment("VSPACE_SHARED_CMD", out)
}

// UpAndExec sets the guest's namespace up (see Up) and replaces this
// process by argv running inside it. It is the prefix a plain
// `vserver NAME start` runs through the prepre-start scriptlet. argv[0] is
// looked up before anything changes; when the exec itself fails, the
// namespace is torn down again unless something uses it. Since this
// process is gone after a successful exec, a failure of the rest of
// util-vserver's chain is cleaned up by the postpost-stop scriptlet or the
// next stop. When ctx ends before the exec, setting up stops and is undone.
func (e *Env) UpAndExec(ctx context.Context, name string, argv []string) error {
	m, err := e.managed(name)
	if err != nil {
		return err
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("%s in %s: %w", vspace.NetnsExecCommand, m.NS(), err)
	}
	ns, err := e.Up(ctx, m)
	if err != nil {
		return err
	}
	err = netns.Replace(ns, path, argv, e.Vserver.Environ(m.NS()))
	ns.Close()
	err = fmt.Errorf("exec %s in namespace %s: %w", path, m.NS(), err)
	if terr := e.TeardownIfUnused(context.WithoutCancel(ctx), m); terr != nil {
		return errors.Join(err, terr)
	}
	return err
}

// TeardownGuest removes the namespace of a managed guest when unused (the
// postpost-stop scriptlet's job after a plain `vserver NAME stop`).
func (e *Env) TeardownGuest(ctx context.Context, name string) error {
	m, err := e.resolveForStop(name)
	if err != nil {
		return err
	}
	if m.Group == nil {
		return notManaged(m.Guest)
	}
	return e.TeardownIfUnused(ctx, m)
}
