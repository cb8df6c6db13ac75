// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/lifecycle"
)

// engine is contender (a): vserverx's own code path, as start and stop use
// it, without the wrapped vserver: lifecycle.Env.Up (lock, create or join
// the namespace, lo up, converge every interface, sysctls) for each guest,
// then lifecycle.Env.TeardownIfUnused (lock, look for users, delete the
// links, delete the namespace).
type engine struct {
	env   *lifecycle.Env
	names []string // the guests set up, ns0..ns(n-1)
}

// newEngine loads confdir and prepares an Env for its first n guests. The
// configuration is loaded once, outside the timing; the vserver command is
// the stand-in, which Up and TeardownIfUnused never run for single-guest
// groups.
func newEngine(p config.Paths, standin string, n int) (*engine, error) {
	tree, err := loadTree(p)
	if err != nil {
		return nil, err
	}
	env := lifecycle.NewEnv(p, tree, lifecycle.EnvOptions{Vserver: standin, Out: io.Discard, Err: io.Discard, Quiet: true})
	return &engine{env: env, names: firstNames(n)}, nil
}

// setup resolves every guest and brings its namespace up.
func (e *engine) setup() error {
	for _, name := range e.names {
		m, err := e.env.Resolve(name)
		if err != nil {
			return fmt.Errorf("guest %s: %w", name, err)
		}
		ns, err := e.env.Up(context.Background(), m)
		if err != nil {
			return fmt.Errorf("setting up guest %s: %w", name, err)
		}
		ns.Close()
	}
	return nil
}

// teardown resolves every guest and removes its namespace.
func (e *engine) teardown() error {
	for _, name := range e.names {
		m, err := e.env.Resolve(name)
		if err != nil {
			return fmt.Errorf("guest %s: %w", name, err)
		}
		if err := e.env.TeardownIfUnused(context.Background(), m); err != nil {
			return fmt.Errorf("tearing down guest %s: %w", name, err)
		}
	}
	return nil
}
