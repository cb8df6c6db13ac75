// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package wrapper finds util-vserver's vserver command and runs it, inside
// a network namespace when asked, the way vserverx needs: in a mount
// namespace whose root is rslave (so util-vserver's namespace cleanup cannot
// unmount anything on the host), with VSERVERX_NETNS in its environment,
// the signal that interrupted vserverx forwarded when the caller's context
// ends, and its exit code passed through.
package wrapper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/vserverx/vserverx/vspace"
)

// EnvVars is util-vserver's own variable naming its util-vserver-vars file.
const EnvVars = "UTIL_VSERVER_VARS"

// ErrNotFound is returned when util-vserver's vserver command cannot be found.
var ErrNotFound = errors.New("util-vserver's vserver command not found")

// Find returns the path of util-vserver's vserver command: explicit (the
// --vserver option) when set, else fromVars (derived from
// util-vserver-vars) when it exists, else "vserver" looked up in PATH.
// A missing or non-executable command is an error naming what was tried.
func Find(explicit, fromVars string) (string, error) {
	if explicit != "" {
		return checkExecutable(explicit)
	}
	if fromVars != "" {
		if p, err := checkExecutable(fromVars); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath("vserver")
	if err != nil {
		tried := "PATH"
		if fromVars != "" {
			tried = fromVars + " and PATH"
		}
		return "", fmt.Errorf("%w (tried %s); install util-vserver or give --vserver PATH", ErrNotFound, tried)
	}
	return filepath.Abs(p)
}

// checkExecutable returns path when it names an executable regular file.
func checkExecutable(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: %s does not exist", ErrNotFound, path)
		}
		return "", fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("%w: %s is not an executable file", ErrNotFound, path)
	}
	return path, nil
}

// Vserver describes how to run util-vserver's vserver command.
type Vserver struct {
	Path     string    // the vserver command
	VarsFile string    // exported as UTIL_VSERVER_VARS when not empty
	Options  []string  // vserver's own options, before the guest name (e.g. --defaulttty)
	Stdin    io.Reader // defaults: the process's own stdio
	Stdout   io.Writer
	Stderr   io.Writer
}

// Command returns the exec.Cmd for `vserver [OPTIONS...] GUEST ARGS...`
// with the environment Environ(netnsName).
func (v Vserver) Command(netnsName, guest string, args ...string) *exec.Cmd {
	argv := append(append(slices.Clip(v.Options), guest), args...)
	cmd := exec.Command(v.Path, argv...)
	cmd.Stdin = cmp.Or(v.Stdin, io.Reader(os.Stdin))
	cmd.Stdout = cmp.Or(v.Stdout, io.Writer(os.Stdout))
	cmd.Stderr = cmp.Or(v.Stderr, io.Writer(os.Stderr))
	cmd.Env = v.Environ(netnsName)
	return cmd
}

// Environ is the environment of util-vserver's programs run by vserverx:
// this process's, plus VSERVERX_NETNS=netnsName when netnsName is not
// empty and UTIL_VSERVER_VARS=VarsFile when VarsFile is set.
func (v Vserver) Environ(netnsName string) []string {
	env := os.Environ()
	if netnsName != "" {
		env = append(env, vspace.EnvNetns+"="+netnsName)
	}
	if v.VarsFile != "" {
		env = append(env, EnvVars+"="+v.VarsFile)
	}
	return env
}

// Namespace is a network namespace Start runs vserver in (netns.NS is
// one; a nil *netns.NS is the caller's own).
type Namespace interface {
	// NetnsName is its name, exported as VSERVERX_NETNS ("" for the
	// caller's own namespace: then the variable is not set).
	NetnsName() string
	// StartRSlave starts cmd (cmd.Start semantics) inside it, in a mount
	// namespace of its own whose root is rslave.
	StartRSlave(cmd *exec.Cmd) error
}

// Start starts `vserver GUEST ARGS...` with its network namespace = ns,
// in its own mount namespace whose root is rslave. The caller waits with
// Wait.
func (v Vserver) Start(ns Namespace, guest string, args ...string) (*exec.Cmd, error) {
	if ns == nil {
		return nil, fmt.Errorf("starting %s %s %s: no namespace given (netns.Own() is the caller's)", v.Path, guest, firstArg(args))
	}
	cmd := v.Command(ns.NetnsName(), guest, args...)
	if err := ns.StartRSlave(cmd); err != nil {
		return nil, fmt.Errorf("starting %s %s %s: %w", v.Path, guest, firstArg(args), err)
	}
	return cmd, nil
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// Run runs `vserver GUEST ARGS...` like Start and waits for it as Wait
// does: nil when it exited 0, an *ExitStatus carrying its own status
// otherwise, another error when it could not run at all.
func (v Vserver) Run(ctx context.Context, ns Namespace, guest string, args ...string) error {
	cmd, err := v.Start(ns, guest, args...)
	if err != nil {
		return err
	}
	return Wait(ctx, cmd)
}

// CancelSignal is what Wait sends a command when the caller's context ends
// for another reason than a signal (see Interrupted).
const CancelSignal = syscall.SIGTERM

// Wait waits for a started command: nil when it exited 0, an *ExitStatus
// with its own status (128+signal when a signal killed it) otherwise, and
// another error when waiting failed. When ctx ends while the command runs,
// it gets the signal that interrupted vserverx (NotifyContext), or
// CancelSignal. vserverx catches SIGINT, SIGTERM and SIGHUP for the whole
// command (NotifyContext), so that is how they are forwarded.
func Wait(ctx context.Context, cmd *exec.Cmd) error {
	done := make(chan struct{})
	defer close(done)
	go forward(ctx, cmd.Process, done)
	code, err := ExitCode(cmd.Wait())
	if err != nil || code == 0 {
		return err
	}
	return &ExitStatus{Command: filepath.Base(cmd.Path), Code: code}
}

// ExitStatus is the status a command that ran left with, when it was not 0:
// its own exit code, or 128+signal when a signal killed it. It is an error
// so that it travels up unchanged; vserverx leaves with Code.
type ExitStatus struct {
	Command string // the program's name, for the message
	Code    int
	Err     error // why it did not run (not found: Code 127), nil when it ran
}

func (e *ExitStatus) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("%s exited with status %d", e.Command, e.Code)
}

func (e *ExitStatus) Unwrap() error { return e.Err }

// StatusOf is the exit status err carries: 0 for nil, the Code of an
// *ExitStatus in its chain, ok false for any other error.
func StatusOf(err error) (code int, ok bool) {
	if err == nil {
		return 0, true
	}
	var es *ExitStatus
	if errors.As(err, &es) {
		return es.Code, true
	}
	return 0, false
}

// forward sends p the signal of ctx's end (cancelSignal), unless done is
// closed first.
func forward(ctx context.Context, p *os.Process, done <-chan struct{}) {
	select {
	case <-ctx.Done():
		_ = p.Signal(cancelSignal(ctx))
	case <-done:
	}
}

// ExitCode turns the result of exec.Cmd.Wait into a shell-style exit code.
func ExitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 1, err
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ee.ExitCode(), nil
}
