// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/vspace"
	"github.com/vserverx/vserverx/wrapper"
)

// Env is everything the lifecycle needs to act on one host: the loaded
// configuration, util-vserver's command, where to report, and the timeouts.
type Env struct {
	Paths   config.Paths
	Tree    *config.Tree
	Vserver wrapper.Vserver // Path empty: util-vserver not found (then VserverErr says why)
	// VserverErr is why util-vserver's command could not be found; commands
	// that need it fail with it before touching the host.
	VserverErr error
	Setup      vspace.Setup // scriptlet installation, for setup and the start-time check
	// Nft is nftables' nft command ("" when it was not found; then NftErr
	// says why). Only namespaces with a ruleset need it.
	Nft    string
	NftErr error

	Out, Err io.Writer
	Verbose  bool
	Quiet    bool

	LockTimeout time.Duration // how long a start/stop waits for the namespace lock
	Grace       time.Duration // how long stop waits for util-vserver's exiting helpers
}

// Default timeouts.
const (
	DefaultLockTimeout = 60 * time.Second
	DefaultGrace       = 3 * time.Second
)

// EnvOptions are what the caller of NewEnv chooses.
type EnvOptions struct {
	// Vserver is util-vserver's command, "" when it was not found; then
	// VserverErr says why.
	Vserver    string
	VserverErr error
	// Scriptlet is what setup embeds in the scriptlets it installs: the
	// vserverx binary and the global options to call it with.
	Scriptlet vspace.ScriptletOptions
	// Nft is nftables' nft command, "" when it was not found; then NftErr
	// says why (FindNft).
	Nft    string
	NftErr error
	// Out gets progress, Err warnings; the wrapped vserver writes to them
	// too.
	Out, Err       io.Writer
	Verbose, Quiet bool
}

// NewEnv returns the Env for the host laid out by p, whose configuration
// tree was loaded from p, with the default timeouts.
func NewEnv(p config.Paths, tree *config.Tree, o EnvOptions) *Env {
	return &Env{
		Paths:       p,
		Tree:        tree,
		Vserver:     wrapper.Vserver{Path: o.Vserver, VarsFile: p.VarsFile, Stdout: o.Out, Stderr: o.Err},
		VserverErr:  o.VserverErr,
		Nft:         o.Nft,
		NftErr:      o.NftErr,
		Setup:       vspace.Setup{ConfDir: p.ConfDir, NetnsDir: p.NetnsDir, Opt: o.Scriptlet},
		Out:         o.Out,
		Err:         o.Err,
		Verbose:     o.Verbose,
		Quiet:       o.Quiet,
		LockTimeout: DefaultLockTimeout,
		Grace:       DefaultGrace,
	}
}

// ErrNotManaged is returned for a guest vserverx does not manage where a
// managed one is needed.
var ErrNotManaged = errors.New("not managed by vserverx")

// infof prints a progress line unless quiet.
func (e *Env) infof(format string, args ...any) {
	if !e.Quiet {
		fmt.Fprintf(e.Out, format+"\n", args...)
	}
}

// debugf prints a line only with --verbose.
func (e *Env) debugf(format string, args ...any) {
	if e.Verbose && !e.Quiet {
		fmt.Fprintf(e.Err, "vserverx: "+format+"\n", args...)
	}
}

// warnf prints a warning on stderr (also when quiet).
func (e *Env) warnf(format string, args ...any) {
	fmt.Fprintf(e.Err, "vserverx: "+format+"\n", args...)
}

// needVserver fails when util-vserver's command was not found.
func (e *Env) needVserver() error {
	if e.Vserver.Path == "" {
		if e.VserverErr != nil {
			return e.VserverErr
		}
		return wrapper.ErrNotFound
	}
	return nil
}

// Managed is a guest vserverx manages, with its group.
type Managed struct {
	Guest *config.Guest
	Group *config.Group
}

// NS returns the name of the guest's namespace.
func (m Managed) NS() string { return m.Group.NS.Name }

// Resolve looks a guest up and returns it with its group; Group is nil for a
// guest vserverx does not manage. Configuration problems of the guest, its
// namespace and its group are returned together as config.Problems.
func (e *Env) Resolve(name string) (Managed, error) {
	g, err := e.Tree.Guest(name)
	if err != nil {
		return Managed{}, err
	}
	if problems := e.Tree.Check(name); len(problems) > 0 {
		return Managed{Guest: g}, problems
	}
	return Managed{Guest: g, Group: e.Tree.GroupOf(g)}, nil
}
