// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vserverx/vserverx/testdata/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// The end-to-end tests run the built vserverx binary as an administrator
// does, against the stand-in util-vserver in testdata/util-vserver, inside
// nstest's sandbox (own network, mounts, /run, PIDs) with a veth pair
// standing in for eth0.

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// EnvE2EBinary names a prebuilt vserverx for the end-to-end tests to run
// instead of building one (the test VM carries a static build and has no
// Go toolchain).
const EnvE2EBinary = "VSERVERX_E2E_BIN"

// vserverxBinary returns $VSERVERX_E2E_BIN when set, else builds
// ./cmd/vserverx once per test run.
func vserverxBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(EnvE2EBinary); bin != "" {
		if err := checkPrebuilt(bin); err != nil {
			t.Fatal(err)
		}
		return bin
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vserverx-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "vserverx")
		build := exec.Command(goTool(), "build", "-tags", "urfave_cli_no_docs", "-o", builtBin, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build builds it
		out, err := build.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// checkPrebuilt checks that bin, named by EnvE2EBinary, is an absolute
// path to an executable regular file.
func checkPrebuilt(bin string) error {
	if !filepath.IsAbs(bin) {
		return fmt.Errorf("%s=%s: want an absolute path to a vserverx binary", EnvE2EBinary, bin)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return fmt.Errorf("%s=%s: %w", EnvE2EBinary, bin, err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s=%s: not an executable file (mode %v)", EnvE2EBinary, bin, fi.Mode())
	}
	return nil
}

// goTool finds the go command (PATH may be reset by sudo).
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// repoPath returns a path relative to the repository root.
func repoPath(rel string) string {
	abs, _ := filepath.Abs(filepath.Join("..", "..", rel))
	return abs
}

// host is one sandboxed machine with a confdir, the stand-in util-vserver
// and vserverx.
type host struct {
	t       *testing.T
	bin     string
	confdir string
	state   string // the stand-in's state (STATEDIR)
	vars    string
	env     []string
}

// nicKind is what stands in for the host NIC eth0.
type nicKind int

const (
	vethNIC  nicKind = iota // nstest.HostNIC's veth pair (eth0, eth0p)
	dummyNIC                // a dummy link, a trunk for VLANs (needs the dummy driver)
)

// newHost copies the example confdirs named into a fresh confdir, gives
// every guest an fstab (as `vserver build` does; the stand-in only runs its
// namespace cleanup for guests with one), writes util-vserver-vars for the
// stand-in and creates eth0 as a veth pair.
func newHost(t *testing.T, examples ...string) *host {
	t.Helper()
	return newHostNIC(t, vethNIC, examples...)
}

// newBootHost is newHost with the classic-macvlan and dmz examples, fw,
// web and mail set up, and web depending on fw (apps/init/depends): the
// host of the start-all and stop-all tests.
func newBootHost(t *testing.T) *host {
	t.Helper()
	h := newHost(t, "classic-macvlan", "dmz")
	for _, g := range []string{"fw", "web", "mail"} {
		h.mustVX(g, "setup")
	}
	h.write("web/apps/init/depends", "fw\n")
	return h
}

// newHostNIC is newHost with eth0 made as nic says.
func newHostNIC(t *testing.T, nic nicKind, examples ...string) *host {
	t.Helper()
	nstest.RequireRoot(t)
	dir := t.TempDir()
	h := &host{t: t, bin: vserverxBinary(t), confdir: filepath.Join(dir, "vservers"), state: filepath.Join(dir, "state")}
	for _, ex := range examples {
		copyTree(t, repoPath("testdata/confdirs/"+ex), h.confdir)
	}
	h.addFstabs()
	h.vars = filepath.Join(dir, "util-vserver-vars")
	if out, err := exec.Command(repoPath("testdata/util-vserver/mkvars"), h.confdir, h.state, h.vars).CombinedOutput(); err != nil {
		t.Fatalf("mkvars: %v: %s", err, out)
	}
	h.env = append(os.Environ(), "STANDIN_HELPER_LINGER=0.3")
	addNIC(t, nic, "eth0")
	primeNetnsDir(t)
	t.Cleanup(h.stopEverything)
	return h
}

// hostEth0 gives the sandbox the host NIC eth0 that the examples'
// interfaces hang off, so that check finds their parent device. Without
// root there is no sandbox and check would look at this machine's devices:
// the test is skipped.
func hostEth0(t *testing.T) {
	t.Helper()
	nstest.RequireRoot(t)
	nstest.HostNIC(t, "eth0")
}

// addNIC creates the host NIC name as nic says and waits until it is up:
// a veth pair reports "state UP" once both ends are up; a dummy link has
// no operational state ("state UNKNOWN") but carries LOWER_UP.
func addNIC(t *testing.T, nic nicKind, name string) {
	t.Helper()
	up := "state UP"
	switch nic {
	case vethNIC:
		nstest.HostNIC(t, name)
	case dummyNIC:
		dummyHostNIC(t, name)
		up = ",LOWER_UP>"
	default:
		t.Fatalf("unknown NIC kind %d for %s", nic, name)
	}
	waitFor(t, name+" to come up", func() bool {
		return strings.Contains(nstest.IP(t, "-o", "link", "show", name), up)
	})
}

// dummyHostNIC creates a dummy link name, UP, standing in for a trunk NIC;
// it is deleted when the test ends.
//
// Equivalent to: ip link add NAME type dummy && ip link set NAME up
func dummyHostNIC(t *testing.T, name string) {
	t.Helper()
	nstest.IP(t, "link", "add", name, "type", "dummy")
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", name).Run() })
	nstest.IP(t, "link", "set", name, "up")
}

// primeNetnsDir makes /run/netns what it is on any host that has used
// `ip netns`: a shared bind mount of itself. iproute2 (and vserverx, which
// does the same) leave that mount in place when the last namespace is
// deleted, so the before/after snapshots start from this state.
func primeNetnsDir(t *testing.T) {
	nstest.IP(t, "netns", "add", "vserverx-prime")
	nstest.IP(t, "netns", "del", "vserverx-prime")
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", from+"/.", to).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v: %s", from, err, out)
	}
}

func (h *host) addFstabs() {
	entries, _ := os.ReadDir(h.confdir)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			h.write(e.Name()+"/fstab", "")
		}
	}
}

// write creates a file under the confdir.
func (h *host) write(rel, content string) {
	h.t.Helper()
	p := filepath.Join(h.confdir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// result is what one command printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// vx runs vserverx with the host's global options.
func (h *host) vx(args ...string) result {
	h.t.Helper()
	global := []string{"--confdir", h.confdir, "--util-vserver-vars", h.vars}
	return h.run(h.bin, append(global, args...)...)
}

// setVar appends NAME=value to the host's util-vserver-vars file.
func (h *host) setVar(name, value string) {
	h.t.Helper()
	vars, err := os.ReadFile(h.vars)
	if err != nil {
		h.t.Fatal(err)
	}
	writeExecutable(h.t, h.vars, string(vars)+"\n"+name+"="+value+"\n")
}

// mustVX runs vserverx and fails the test unless it exits 0.
func (h *host) mustVX(args ...string) result {
	h.t.Helper()
	r := h.vx(args...)
	if r.code != 0 {
		h.t.Fatalf("vserverx %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// vserver runs the stand-in util-vserver directly (plain `vserver`).
func (h *host) vserver(args ...string) result {
	h.t.Helper()
	return h.run(repoPath("testdata/util-vserver/vserver"), args...)
}

func (h *host) run(bin string, args ...string) result {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(h.env, "UTIL_VSERVER_VARS="+h.vars)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("running %s: %v", bin, err)
	}
	return result{out.String(), errb.String(), code}
}

// guestNetns is the network namespace the stand-in guest recorded
// ("net:[INODE]"), or "" when it has not run.
func (h *host) guestNetns(guest string) string {
	b, err := os.ReadFile(filepath.Join(h.state, "run", guest, "netns"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// netnsID is the "net:[INODE]" of named namespace x, read by a process
// running in it (`ip netns exec`, the independent witness).
func (h *host) netnsID(x string) string {
	h.t.Helper()
	out, err := exec.Command("ip", "netns", "exec", x, "readlink", "/proc/self/ns/net").CombinedOutput()
	if err != nil {
		h.t.Fatalf("ip netns exec %s: %v: %s", x, err, out)
	}
	return strings.TrimSpace(string(out))
}

// netnsList is `ip netns list`, names only.
func netnsList(t *testing.T) []string {
	t.Helper()
	out := nstest.IP(t, "netns", "list")
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			names = append(names, f[0])
		}
	}
	return names
}

// stopEverything stops any guest still running at the end of a test so
// that the next test starts from a clean sandbox.
func (h *host) stopEverything() {
	entries, _ := os.ReadDir(h.confdir)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if h.vserver(e.Name(), "running").code == 0 {
				h.vserver(e.Name(), "stop")
			}
		}
	}
	for _, x := range netnsList(h.t) {
		exec.Command("ip", "netns", "del", x).Run()
	}
	time.Sleep(50 * time.Millisecond)
}
