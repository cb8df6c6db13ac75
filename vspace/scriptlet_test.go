// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testOpt(vserverx string) ScriptletOptions {
	return ScriptletOptions{Vserverx: vserverx, GlobalArgs: []string{"--confdir", "/etc/vservers", "--odd", "it's $HOME `id`\n"}}
}

func TestScriptletTexts(t *testing.T) {
	bash := requireBash(t)
	texts := map[string]string{
		"prepre-start":  PrepreStartScriptlet(testOpt("/usr/sbin/vserverx")),
		"postpost-stop": PostpostStopScriptlet(testOpt("/usr/sbin/vserverx")),
		"host":          HostRslaveScriptlet(),
	}
	for name, text := range texts {
		if !strings.HasPrefix(text, Marker()+" ") || !HasMarker([]byte(text)) {
			t.Errorf("%s scriptlet does not start with the marker %q", name, Marker())
		}
		file := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bash, "-n", file).CombinedOutput(); err != nil {
			t.Errorf("%s scriptlet is not valid bash: %v: %s", name, err, out)
		}
		wantDSD := name != "host"
		if got := strings.Contains(text, "\nDONT_SKIP_DEFAULTS=1\n"); got != wantDSD {
			t.Errorf("%s scriptlet sets DONT_SKIP_DEFAULTS: %v, want %v", name, got, wantDSD)
		}
	}
	if Marker() != "# vserverx scriptlet v1" {
		t.Errorf("Marker() = %q", Marker())
	}
}

// harness runs a scriptlet the way util-vserver does: sourced through a
// function like its _sourceWrap from a function like its execScriptlets
// (which holds DONT_SKIP_DEFAULTS as a local), under set -e, with a fake
// vserverx and a fake mount on PATH that record their arguments.
type harness struct {
	t        *testing.T
	bash     string
	dir      string // scratch directory: logs of the fakes
	vserverx string // fake vserverx, in a directory with an awkward name
	env      []string
}

// driver is the stand-in for util-vserver's bash. Arguments: scriptlet,
// phase, guest, then the initial VSPACE_SHARED_CMD.
const driver = `set -e
_sourceWrap() { local vdir name flavor start i already_handled base; . "$@"; }
execScriptlets() {
	local DONT_SKIP_DEFAULTS=
	_sourceWrap "$@"
	printf '%s' "$DONT_SKIP_DEFAULTS" >"$OUT/dont-skip-defaults"
}
script=$1 phase=$2 guest=$3
shift 3
VSPACE_SHARED_CMD=( "$@" )
execScriptlets "$script" "$phase" "$guest"
printf '%s\0' "${#VSPACE_SHARED_CMD[@]}" "${VSPACE_SHARED_CMD[@]}" >"$OUT/array"
if declare -F | grep -q __vserverx; then echo "scriptlet left a function behind" >&2; exit 9; fi
`

const fakeVserverx = `#!/bin/bash
printf '%s\0' "$@" >"$OUT/vserverx.args"
case $FAKE_VSERVERX in
fail) echo "fake vserverx fails" >&2; exit 3 ;;
garbage) echo "usage: vserverx NAME COMMAND" ;;
*) printf '%s\n' "$FAKE_ANSWER" ;;
esac
`

const fakeMount = `#!/bin/bash
printf '%s\0' "$@" >"$OUT/mount.args"
exit "${FAKE_MOUNT_RC:-0}"
`

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, bash: requireBash(t), dir: t.TempDir()}
	bin := filepath.Join(t.TempDir(), "bin dir's $x")
	fakebin := filepath.Join(t.TempDir(), "fakebin")
	for _, d := range []string{bin, fakebin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.vserverx = filepath.Join(bin, "vserverx")
	h.write(h.vserverx, fakeVserverx, 0o755)
	h.write(filepath.Join(fakebin, "mount"), fakeMount, 0o755)
	h.write(filepath.Join(h.dir, "driver"), driver, 0o644)
	h.env = []string{"PATH=" + fakebin + ":" + os.Getenv("PATH"), "OUT=" + h.dir, "LC_ALL=C.UTF-8"}
	return h
}

func (h *harness) write(path, text string, perm os.FileMode) {
	h.t.Helper()
	if err := os.WriteFile(path, []byte(text), perm); err != nil {
		h.t.Fatal(err)
	}
}

// read returns the NUL-separated words a fake recorded, and whether it ran.
func (h *harness) read(name string) ([]string, bool) {
	data, err := os.ReadFile(filepath.Join(h.dir, name))
	if err != nil {
		return nil, false
	}
	words := strings.Split(string(data), "\x00")
	return words[:len(words)-1], true
}

// sharesPID1MountNS reports whether this process is in PID 1's mount
// namespace (false when that cannot be seen, as for a normal user).
func sharesPID1MountNS() bool {
	a, err1 := os.Stat("/proc/self/ns/mnt")
	b, err2 := os.Stat("/proc/1/ns/mnt")
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// run runs the driver with the scriptlet text. ownNS asks for a mount
// namespace other than PID 1's (util-vserver's situation): when the test
// shares PID 1's, the driver runs under "unshare --mount" (as root, inside
// nstest's sandbox). The test skips when the requested situation cannot
// be made here.
func (h *harness) run(text, phase string, ownNS bool, extraEnv []string, words ...string) (stderr string, err error) {
	h.t.Helper()
	script := filepath.Join(h.dir, "scriptlet")
	h.write(script, text, 0o644)
	for _, f := range []string{"array", "vserverx.args", "mount.args", "dont-skip-defaults"} {
		_ = os.Remove(filepath.Join(h.dir, f))
	}
	args := append([]string{h.bash, filepath.Join(h.dir, "driver"), script, phase, "fw"}, words...)
	switch shared := sharesPID1MountNS(); {
	case ownNS && shared && os.Geteuid() == 0:
		args = append([]string{"unshare", "--mount", "--propagation", "unchanged"}, args...)
	case ownNS && shared:
		h.t.Skip("needs root to run the scriptlet in a mount namespace of its own")
	case !ownNS && !shared:
		h.t.Skip("this test does not run in PID 1's mount namespace (run it as root: nstest's sandbox makes the test binary PID 1)")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(append([]string(nil), h.env...), extraEnv...)
	var buf bytes.Buffer
	cmd.Stderr = &buf
	err = cmd.Run()
	return buf.String(), err
}

const vspaceBin = "/usr/sbin/vspace"

var startWords = []string{"/usr/bin/nice", vspaceBin, "--enter", "fw", "--net", "--", "it's", "$x"}

func TestPrepreStartScriptletRewritesArray(t *testing.T) {
	h := newHarness(t)
	answer := []string{"/usr/bin/nice", h.vserverx, "fw", "netns-exec", "--", "it's", "$x"}
	env := []string{"FAKE_ANSWER=" + FormatAssignment("VSPACE_SHARED_CMD", answer)}
	stderr, err := h.run(PrepreStartScriptlet(testOpt(h.vserverx)), "prepre-start", true, env, startWords...)
	if err != nil {
		t.Fatalf("sourcing the scriptlet failed: %v: %s", err, stderr)
	}
	array, _ := h.read("array")
	if want := append([]string{"7"}, answer...); !reflect.DeepEqual(array, want) {
		t.Errorf("VSPACE_SHARED_CMD after the scriptlet: %q, want %q", array, want)
	}
	args, _ := h.read("vserverx.args")
	wantArgs := append(append(append([]string(nil), testOpt("").GlobalArgs...), "fw", "vspace-rewrite", "--"), startWords...)
	if !reflect.DeepEqual(args, wantArgs) {
		t.Errorf("vserverx called with %q, want %q", args, wantArgs)
	}
	if mount, ran := h.read("mount.args"); !ran || !reflect.DeepEqual(mount, []string{"--make-rslave", "/"}) {
		t.Errorf("mount called with %q (ran %v), want --make-rslave /", mount, ran)
	}
	if dsd, _ := os.ReadFile(filepath.Join(h.dir, "dont-skip-defaults")); string(dsd) != "1" {
		t.Errorf("DONT_SKIP_DEFAULTS in execScriptlets is %q after the scriptlet, want 1", dsd)
	}
}

func TestPrepreStartScriptletInPID1MountNS(t *testing.T) {
	h := newHarness(t)
	env := []string{"FAKE_ANSWER=VSPACE_SHARED_CMD=( )"}
	stderr, err := h.run(PrepreStartScriptlet(testOpt(h.vserverx)), "prepre-start", false, env, startWords...)
	if err != nil {
		t.Fatalf("sourcing the scriptlet failed: %v: %s", err, stderr)
	}
	if mount, ran := h.read("mount.args"); ran {
		t.Errorf("mount %q ran in PID 1's mount namespace: it would change the host's mounts", mount)
	}
	if array, _ := h.read("array"); !reflect.DeepEqual(array, []string{"0"}) {
		t.Errorf("VSPACE_SHARED_CMD after the scriptlet: %q, want empty", array)
	}
}

func TestPrepreStartScriptletFailures(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		want     string
		vserverx bool // vserverx must have been called
	}{
		{"vserverx fails", []string{"FAKE_VSERVERX=fail"}, "vserverx: guest fw: " + "%s vspace-rewrite failed", true},
		{"vserverx prints garbage", []string{"FAKE_VSERVERX=garbage"}, "printed no VSPACE_SHARED_CMD assignment", true},
		{"mount fails", []string{"FAKE_MOUNT_RC=32"}, "vserverx: guest fw: mount --make-rslave / failed", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			want := strings.ReplaceAll(tt.want, "%s", h.vserverx)
			stderr, err := h.run(PrepreStartScriptlet(testOpt(h.vserverx)), "prepre-start", true, tt.env, startWords...)
			if err == nil {
				t.Fatalf("sourcing succeeded, want the start to fail")
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr %q does not contain %q", stderr, want)
			}
			if _, done := h.read("array"); done {
				t.Errorf("the start chain went on after the scriptlet failed")
			}
			if _, ran := h.read("vserverx.args"); ran != tt.vserverx {
				t.Errorf("vserverx ran: %v, want %v", ran, tt.vserverx)
			}
		})
	}
}

func TestPostpostStopScriptlet(t *testing.T) {
	tests := []struct {
		name       string
		env        []string
		wantCall   bool
		wantStderr string
	}{
		{"plain vserver stop", nil, true, ""},
		{"under vserverx stop", []string{EnvNetns + "=fw"}, false, ""},
		{"teardown fails", []string{"FAKE_VSERVERX=fail"}, true, "vserverx: guest fw is stopped, but tearing down its network namespace failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			stderr, err := h.run(PostpostStopScriptlet(testOpt(h.vserverx)), "postpost-stop", !sharesPID1MountNS(), tt.env)
			if err != nil {
				t.Fatalf("sourcing failed: %v: %s", err, stderr)
			}
			args, ran := h.read("vserverx.args")
			if ran != tt.wantCall {
				t.Fatalf("vserverx ran: %v, want %v", ran, tt.wantCall)
			}
			if want := append(append([]string(nil), testOpt("").GlobalArgs...), "fw", "teardown"); ran && !reflect.DeepEqual(args, want) {
				t.Errorf("vserverx called with %q, want %q", args, want)
			}
			if !strings.Contains(stderr, tt.wantStderr) || tt.wantStderr == "" && stderr != "" {
				t.Errorf("stderr %q, want %q", stderr, tt.wantStderr)
			}
			if dsd, _ := os.ReadFile(filepath.Join(h.dir, "dont-skip-defaults")); string(dsd) != "1" {
				t.Errorf("DONT_SKIP_DEFAULTS is %q after the scriptlet, want 1", dsd)
			}
			if _, ran := h.read("mount.args"); ran {
				t.Errorf("the postpost-stop scriptlet ran mount")
			}
		})
	}
}

func TestHostRslaveScriptlet(t *testing.T) {
	h := newHarness(t)
	stderr, err := h.run(HostRslaveScriptlet(), "initialize", true, nil, "keep", "me")
	if err != nil {
		t.Fatalf("sourcing failed: %v: %s", err, stderr)
	}
	if mount, _ := h.read("mount.args"); !reflect.DeepEqual(mount, []string{"--make-rslave", "/"}) {
		t.Errorf("mount called with %q, want --make-rslave /", mount)
	}
	if array, _ := h.read("array"); !reflect.DeepEqual(array, []string{"2", "keep", "me"}) {
		t.Errorf("the host scriptlet changed VSPACE_SHARED_CMD: %q", array)
	}
	if dsd, _ := os.ReadFile(filepath.Join(h.dir, "dont-skip-defaults")); len(dsd) != 0 {
		t.Errorf("the host scriptlet set DONT_SKIP_DEFAULTS=%q", dsd)
	}

	stderr, err = h.run(HostRslaveScriptlet(), "initialize", true, []string{"FAKE_MOUNT_RC=1"})
	if err == nil || !strings.Contains(stderr, "vserverx: guest fw: mount --make-rslave / failed") {
		t.Errorf("failing mount: err %v, stderr %q; want the start to fail naming the guest", err, stderr)
	}
}

// TestScriptletOptionsCommand: the vserverx call of the scriptlets is the
// binary, the global options, the guest and the hidden command.
func TestScriptletOptionsCommand(t *testing.T) {
	got := testOpt("/sbin/vserverx").Command("fw", NetnsExecCommand)
	want := []string{"/sbin/vserverx", "--confdir", "/etc/vservers", "--odd", "it's $HOME `id`\n", "fw", "netns-exec"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
