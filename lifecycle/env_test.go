// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/testdata/nstest"
)

// sandboxEnv is an Env made by NewEnv on a confdir written from files (see
// writeConfdir), with the sandbox's /run/netns, a private state directory
// and a lock timeout of a second; everything it prints goes to the
// returned buffer.
func sandboxEnv(t *testing.T, files map[string]string) (*Env, *bytes.Buffer) {
	t.Helper()
	paths := config.Paths{
		ConfDir:  configtest.Confdir(t, files),
		NetnsDir: nstest.NetnsDir,
		StateDir: filepath.Join(t.TempDir(), "state"),
	}
	tree, err := config.Load(paths)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := NewEnv(paths, tree, EnvOptions{Out: &out, Err: &out})
	env.LockTimeout = time.Second
	return env, &out
}

// warmNetnsDir creates and deletes a namespace, so that the sandbox's
// /run/netns is the shared mount a namespace leaves in place (as iproute2
// does) before a test takes its snapshot.
func warmNetnsDir(t *testing.T) {
	t.Helper()
	ns, err := netns.Create(nstest.NetnsDir, "warm")
	if err != nil {
		t.Fatal(err)
	}
	ns.Close()
	if err := netns.DeleteNamespace(nstest.NetnsDir, "warm"); err != nil {
		t.Fatal(err)
	}
}

// soloGuest is a guest g whose spaces/net names itself: an implicit
// namespace g without interfaces.
var soloGuest = map[string]string{
	"g/context":    "42\n",
	"g/vdir/":      "",
	"g/spaces/net": "g\n",
}

// TestNewEnv: the Env carries the paths into the vserver command and the
// scriptlet setup, and has the default timeouts.
func TestNewEnv(t *testing.T) {
	var out, errs bytes.Buffer
	p := config.Paths{ConfDir: "/c", NetnsDir: "/n", StateDir: "/s", VarsFile: "/v"}
	env := NewEnv(p, nil, EnvOptions{Vserver: "/sbin/vserver", Out: &out, Err: &errs, Quiet: true})
	switch {
	case env.Vserver.Path != "/sbin/vserver" || env.Vserver.VarsFile != "/v":
		t.Errorf("vserver %+v", env.Vserver)
	case env.Vserver.Stdout != &out || env.Vserver.Stderr != &errs || env.Out != &out || env.Err != &errs:
		t.Errorf("output streams not passed on")
	case env.Setup.ConfDir != "/c" || env.Setup.NetnsDir != "/n":
		t.Errorf("setup %+v", env.Setup)
	case env.LockTimeout != DefaultLockTimeout || env.Grace != DefaultGrace || !env.Quiet:
		t.Errorf("timeouts %s %s, quiet %v", env.LockTimeout, env.Grace, env.Quiet)
	}
}
