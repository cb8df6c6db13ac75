// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// maintainerScripts are the package's maintainer scripts.
var maintainerScripts = []string{"postinst", "prerm", "postrm"}

// initTools are the programs maintainer scripts use to register, enable,
// start and stop services; the dry runs replace each with a stub that
// records its call.
var initTools = []string{"deb-systemd-helper", "deb-systemd-invoke", "update-rc.d", "invoke-rc.d", "systemctl"}

// stubInitTools writes the stubs into a directory for PATH and returns it
// with the log they append "TOOL ARGS..." lines to. deb-systemd-helper
// answers debian-installed and was-enabled with the exit codes in
// STUB_DEBIAN_INSTALLED and STUB_WAS_ENABLED.
func stubInitTools(t *testing.T) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls.log")
	for _, tool := range initTools {
		body := `echo "${0##*/} $*" >>"$STUB_LOG"` + "\n"
		if tool == "deb-systemd-helper" {
			body += `case "$*" in
*debian-installed*) exit "$STUB_DEBIAN_INSTALLED" ;;
*was-enabled*) exit "$STUB_WAS_ENABLED" ;;
esac
`
		}
		writeExe(t, filepath.Join(dir, tool), body)
	}
	return dir, log
}

// scriptRun is one dry run of a maintainer script.
type scriptRun struct {
	name      string
	script    string
	args      []string
	installed bool // deb-systemd-helper debian-installed: the package was installed before
	enabled   bool // deb-systemd-helper was-enabled: true on a first installation, as the real one says
	want      []string
}

const unit = "vserverx.service"

// scriptRuns covers install, upgrade (unit enabled by the administrator or
// not), remove and purge. No run may start, stop or enable anything the
// administrator did not enable: debhelper's stop in prerm and start in
// postinst are left out on purpose.
var scriptRuns = []scriptRun{
	{name: "first install", script: "postinst", args: []string{"configure"}, enabled: true, want: []string{
		"deb-systemd-helper debian-installed " + unit,
		"deb-systemd-helper update-state " + unit,
		"update-rc.d vserverx defaults-disabled",
	}},
	{name: "upgrade, unit enabled", script: "postinst", args: []string{"configure", "0.0~git20260101.0123456"}, installed: true, enabled: true, want: []string{
		"deb-systemd-helper debian-installed " + unit,
		"deb-systemd-helper unmask " + unit,
		"deb-systemd-helper --quiet was-enabled " + unit,
		"deb-systemd-helper enable " + unit,
		"deb-systemd-helper update-state " + unit,
		"update-rc.d vserverx defaults-disabled",
	}},
	{name: "upgrade, unit not enabled", script: "postinst", args: []string{"configure", "0.0~git20260101.0123456"}, installed: true, want: []string{
		"deb-systemd-helper debian-installed " + unit,
		"deb-systemd-helper unmask " + unit,
		"deb-systemd-helper --quiet was-enabled " + unit,
		"deb-systemd-helper update-state " + unit,
		"update-rc.d vserverx defaults-disabled",
	}},
	{name: "upgrade, old prerm", script: "prerm", args: []string{"upgrade", "9.9"}},
	{name: "remove, prerm", script: "prerm", args: []string{"remove"}},
	{name: "remove, postrm", script: "postrm", args: []string{"remove"}, want: []string{
		"deb-systemd-helper mask " + unit,
	}},
	{name: "upgrade, postrm", script: "postrm", args: []string{"upgrade", "9.9"}},
	{name: "purge", script: "postrm", args: []string{"purge"}, want: []string{
		"deb-systemd-helper purge " + unit,
		"deb-systemd-helper unmask " + unit,
		"update-rc.d vserverx remove",
	}},
}

// runScript runs one maintainer script of the unpacked package with the
// stubs first on PATH and DPKG_ROOT at the unpacked tree, and returns the
// recorded calls and what it wrote to stderr.
func runScript(t *testing.T, p *debPackage, r scriptRun) (calls []string, stderr string) {
	t.Helper()
	stubs, log := stubInitTools(t)
	cmd := exec.Command(filepath.Join(p.control, r.script), r.args...)
	cmd.Env = []string{
		"PATH=" + stubs + ":/usr/sbin:/usr/bin:/sbin:/bin",
		"DPKG_ROOT=" + p.root,
		"DPKG_MAINTSCRIPT_PACKAGE=vserverx",
		"DPKG_MAINTSCRIPT_NAME=" + r.script,
		"STUB_LOG=" + log,
		"STUB_DEBIAN_INSTALLED=" + exitStatus(r.installed),
		"STUB_WAS_ENABLED=" + exitStatus(r.enabled),
	}
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("%s %v: %v\n%s%s", r.script, r.args, err, out, errBuf.String())
	}
	b, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil, errBuf.String()
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), errBuf.String()
}

func exitStatus(ok bool) string {
	if ok {
		return "0"
	}
	return "1"
}

// forbidden says why a recorded call would start, stop or enable something
// on its own, or "" when it does not. deb-systemd-helper enable is allowed
// only where the run says the administrator had enabled the unit.
func forbidden(call string, r scriptRun) string {
	switch tool, args, _ := strings.Cut(call, " "); {
	case tool == "deb-systemd-invoke" || tool == "invoke-rc.d":
		return "starts or stops a service"
	case tool == "systemctl" && args != "--system daemon-reload":
		return "systemctl may only reload"
	case tool == "update-rc.d" && args != "vserverx defaults-disabled" && args != "vserverx remove":
		return "update-rc.d may only register disabled or remove"
	case tool == "deb-systemd-helper" && strings.HasPrefix(args, "enable") && !(r.installed && r.enabled):
		return "enables a unit the administrator did not enable"
	}
	return ""
}

// checkMaintainerScripts: each script is executable and parses with sh -n;
// dry runs with stubbed init tools make exactly the expected calls and
// none that starts, stops or enables anything.
func checkMaintainerScripts(t *testing.T, p *debPackage) {
	for _, name := range maintainerScripts {
		path := filepath.Join(p.control, name)
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o755 {
			t.Errorf("DEBIAN/%s: want mode 0755 (%v)", name, err)
			continue
		}
		if out, err := exec.Command("sh", "-n", path).CombinedOutput(); err != nil {
			t.Errorf("sh -n DEBIAN/%s: %v\n%s", name, err, out)
		}
	}
	for _, r := range scriptRuns {
		t.Run(r.name, func(t *testing.T) {
			calls, _ := runScript(t, p, r)
			for _, call := range calls {
				if why := forbidden(call, r); why != "" {
					t.Errorf("%s %v called %q: %s", r.script, r.args, call, why)
				}
			}
			if !slices.Equal(calls, r.want) {
				t.Errorf("%s %v called\n  %q\nwant\n  %q", r.script, r.args, calls, r.want)
			}
		})
	}
}

// TestPrermNamesGuestsSetUp: on removal, prerm names the guests whose
// scriptlets call vserverx, and no others.
func TestPrermNamesGuestsSetUp(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"etc/vservers/fw/scripts/prepre-start.d", "etc/vservers/web/scripts/prepre-start.d"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "etc/vservers/fw/scripts/prepre-start.d/vserverx"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p := &debPackage{root: root, control: "deb"}
	_, stderr := runScript(t, p, scriptRun{script: "prerm", args: []string{"remove"}})
	if !strings.Contains(stderr, "will not start without it: fw\n") {
		t.Errorf("prerm remove printed %q, want the guest fw (and not web) named", stderr)
	}
	if _, stderr := runScript(t, p, scriptRun{script: "prerm", args: []string{"upgrade", "9.9"}}); stderr != "" {
		t.Errorf("prerm upgrade printed %q, want nothing", stderr)
	}
}
