// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package contrib

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// requireTool skips the test when a program is not installed, naming it.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed", name)
	}
	return p
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeExe writes an executable shell script.
func writeExe(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// exitCode runs cmd and returns its exit code; a failure to run fails the
// test.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("%s: %v", cmd, err)
	return -1
}

func TestServiceUnitContent(t *testing.T) {
	unit := readFile(t, "vserverx.service")
	for _, want := range []string{
		"Documentation=man:vserverx(8)\n",
		"Wants=network-online.target\n",
		"After=network-online.target ",
		"Type=oneshot\n",
		"RemainAfterExit=yes\n",
		"ExecStart=/usr/sbin/vserverx $VSERVERX_ARGS start-all --mark default $VSERVERX_BOOT_ARGS\n",
		"ExecStop=/usr/sbin/vserverx $VSERVERX_ARGS stop-all --mark default $VSERVERX_BOOT_ARGS\n",
		"EnvironmentFile=-/etc/default/vserverx\n",
		"WantedBy=multi-user.target\n",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("vserverx.service lacks %q", want)
		}
	}
}

// verifyUnit runs systemd-analyze verify on a copy of unit whose program
// path points to a stand-in executable (verify insists that it exists) and
// returns the exit code and everything it printed.
func verifyUnit(t *testing.T, unit string) (int, string) {
	t.Helper()
	sa := requireTool(t, "systemd-analyze")
	dir := t.TempDir()
	bin := filepath.Join(dir, "vserverx")
	writeExe(t, bin, "exit 0\n")
	unit = strings.ReplaceAll(unit, "/usr/sbin/vserverx", bin)
	path := filepath.Join(dir, "vserverx.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	// --man=no: the man page is not installed on the build machine.
	cmd := exec.Command(sa, "verify", "--man=no", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return exitCode(t, cmd), out.String()
}

func TestServiceUnitVerifies(t *testing.T) {
	code, out := verifyUnit(t, readFile(t, "vserverx.service"))
	if code != 0 || out != "" {
		t.Errorf("systemd-analyze verify: exit %d, output:\n%s", code, out)
	}
}

// TestServiceUnitVerifyCatchesMistakes shows the check above can fail.
func TestServiceUnitVerifyCatchesMistakes(t *testing.T) {
	broken := strings.Replace(readFile(t, "vserverx.service"), "Type=oneshot", "Type=oneshot\nRemainAfterExits=yes", 1)
	if code, out := verifyUnit(t, broken); !strings.Contains(out, "RemainAfterExits") {
		t.Errorf("systemd-analyze verify of a unit with an unknown key: exit %d, output %q; want it named", code, out)
	}
}

func TestInitScriptLSBHeader(t *testing.T) {
	script := readFile(t, "vserverx.init")
	begin := strings.Index(script, "### BEGIN INIT INFO\n")
	end := strings.Index(script, "### END INIT INFO\n")
	if !strings.HasPrefix(script, "#!/bin/sh\n") || begin < 0 || end < begin {
		t.Fatal("vserverx.init: no #!/bin/sh line or no LSB header block")
	}
	fields := map[string]string{}
	for _, line := range strings.Split(script[begin:end], "\n")[1:] {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ":")
		if ok && !strings.HasPrefix(k, " ") {
			fields[k] = strings.TrimSpace(v)
		}
	}
	want := map[string]string{
		"Provides":       "vserverx",
		"Required-Start": "$network $remote_fs $syslog",
		"Required-Stop":  "$network $remote_fs $syslog",
		"Should-Start":   "util-vserver vprocunhide",
		"Default-Start":  "2 3 4 5",
		"Default-Stop":   "0 1 6",
	}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("LSB header %s: %q, want %q", k, fields[k], v)
		}
	}
	for _, k := range []string{"Short-Description", "Description"} {
		if fields[k] == "" {
			t.Errorf("LSB header lacks %s", k)
		}
	}
}

// initEnv is a stand-in vserverx for the init script: it logs its
// arguments and exits with the code in the file rc (0 when absent).
type initEnv struct {
	dir, log, rc, defaults string
}

func newInitEnv(t *testing.T) *initEnv {
	t.Helper()
	dir := t.TempDir()
	e := &initEnv{dir: dir, log: filepath.Join(dir, "log"), rc: filepath.Join(dir, "rc"), defaults: filepath.Join(dir, "defaults")}
	bin := filepath.Join(dir, "fake-vserverx")
	writeExe(t, bin, `echo "$*" >>"`+e.log+`"
echo "fake vserverx: $*"
[ -r "`+e.rc+`" ] && exit "$(cat "`+e.rc+`")"
exit 0
`)
	defaults := "VSERVERX=" + bin + "\nVSERVERX_ARGS=\"--confdir /srv/conf\"\nVSERVERX_BOOT_ARGS=\"-j 3\"\n"
	if err := os.WriteFile(e.defaults, []byte(defaults), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

// run runs the init script with args while the stand-in exits with rc; it
// returns the script's exit code, its output and the stand-in's calls.
func (e *initEnv) run(t *testing.T, rc string, args ...string) (int, string, []string) {
	t.Helper()
	os.Remove(e.log)
	if err := os.WriteFile(e.rc, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("vserverx.init")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script, args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "VSERVERX_DEFAULTS=" + e.defaults, "SYSTEMCTL_SKIP_REDIRECT=1"}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	code := exitCode(t, cmd)
	var calls []string
	if b, err := os.ReadFile(e.log); err == nil {
		calls = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	return code, out.String(), calls
}

func TestInitScriptActions(t *testing.T) {
	requireTool(t, "sh")
	e := newInitEnv(t)
	start := "--confdir /srv/conf start-all --mark default -j 3"
	stop := "--confdir /srv/conf stop-all --mark default -j 3"
	status := "--confdir /srv/conf status-all --mark default"
	cases := []struct {
		action, rc string
		want       int
		calls      []string
		out        string
	}{
		{"start", "0", 0, []string{start}, "Starting vserverx guests (mark default):\nfake vserverx: " + start},
		{"start", "2", 1, []string{start}, ""},
		{"start", "1", 1, []string{start}, ""},
		{"stop", "0", 0, []string{stop}, "Stopping vserverx guests"},
		{"stop", "2", 1, []string{stop}, ""},
		{"restart", "0", 0, []string{stop, start}, ""},
		{"force-reload", "0", 0, []string{stop, start}, ""},
		{"restart", "1", 1, []string{stop, start}, ""},
		{"status", "0", 0, []string{status}, "are running"},
		{"status", "3", 3, []string{status}, "are not running"},
		{"status", "4", 4, []string{status}, "status unknown"},
		{"status", "1", 4, []string{status}, "status unknown"},
		{"reload", "0", 2, nil, "Usage: vserverx.init {start|stop|restart|force-reload|status}"},
		{"", "0", 2, nil, "Usage:"},
	}
	for _, c := range cases {
		args := []string{c.action}
		if c.action == "" {
			args = nil
		}
		code, out, calls := e.run(t, c.rc, args...)
		if code != c.want || !slices.Equal(calls, c.calls) || !strings.Contains(out, c.out) {
			t.Errorf("%q with vserverx exiting %s: exit %d, calls %q, output:\n%s\nwant exit %d, calls %q, output containing %q",
				c.action, c.rc, code, calls, out, c.want, c.calls, c.out)
		}
	}
}

func TestInitScriptNotInstalled(t *testing.T) {
	requireTool(t, "sh")
	e := newInitEnv(t)
	missing := filepath.Join(e.dir, "no-such-vserverx")
	if err := os.WriteFile(e.defaults, []byte("VSERVERX="+missing+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for action, want := range map[string]int{"start": 5, "stop": 0, "status": 4, "restart": 5} {
		code, out, _ := e.run(t, "0", action)
		if code != want {
			t.Errorf("%s without vserverx: exit %d, want %d; output:\n%s", action, code, want, out)
		}
		if want != 0 && !strings.Contains(out, missing+" is not installed") {
			t.Errorf("%s without vserverx: output does not name %s:\n%s", action, missing, out)
		}
	}
}

// complete runs the bash completion function on line (the cursor at its
// end; a trailing space starts a new word) in dir and returns COMPREPLY,
// sorted.
func complete(t *testing.T, dir, line string) []string {
	t.Helper()
	bash := requireTool(t, "bash")
	script, err := filepath.Abs("vserverx.bash-completion")
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	// dotglob: users who set it must still not see .defaults or .netns.
	prog := `shopt -s dotglob
source "$1" || exit 1
shift
complete -p vserverx >/dev/null || exit 1
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_vserverx || exit 1
for w in "${COMPREPLY[@]}"; do printf '%s\n' "$w"; done
`
	cmd := exec.Command(bash, append([]string{"--norc", "--noprofile", "-c", prog, "bash", script}, words...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("completing %q: %v", line, err)
	}
	got := strings.Fields(string(out))
	slices.Sort(got)
	return got
}

func TestBashCompletion(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "conf")
	for _, p := range []string{"alpha/apps/init", "beta/apps/init", "gamma", ".defaults/apps/init", ".netns/fw"} {
		if err := os.MkdirAll(filepath.Join(conf, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"alpha/apps/init/mark":     "default\n# comment\nweb\n",
		"beta/apps/init/mark":      "default\ndb",
		".defaults/apps/init/mark": "hidden\n",
		"notaguest":                "",
	}
	for p, c := range files {
		if err := os.WriteFile(filepath.Join(conf, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "confdir2"), 0o755); err != nil {
		t.Fatal(err)
	}

	commands := []string{"check-all", "help", "list", "start-all", "status-all", "stop-all"}
	guests := []string{"alpha", "beta", "gamma"}
	cases := []struct {
		line string
		want []string
	}{
		{"vserverx --confdir " + conf + " ", sorted(slices.Concat(guests, commands))},
		{"vserverx --confdir=" + conf + " ", sorted(slices.Concat(guests, commands))},
		{"vserverx -v --confdir " + conf + " -q ", sorted(slices.Concat(guests, commands))},
		{"vserverx --confdir " + conf + " a", []string{"alpha"}},
		{"vserverx --confdir=" + conf + " st", []string{"start-all", "status-all", "stop-all"}},
		{"vserverx --netns-dir /run/netns --confdir " + conf + " g", []string{"gamma"}},
		{"vserverx --confdir " + filepath.Join(dir, "nonexistent") + " ", commands},
		{"vserverx --conf", []string{"--confdir"}},
		{"vserverx -", []string{"--confdir", "--help", "--netns-dir", "--nft", "--quiet", "--state-dir", "--util-vserver-vars", "--verbose", "--version", "--vserver", "-h", "-q", "-v"}},
		{"vserverx --confdir con", []string{"conf", "confdir2"}},
		{"vserverx --confdir " + conf + " alpha st", []string{"start", "status", "stop"}},
		{"vserverx --confdir " + conf + " alpha start ", nil},
		{"vserverx --confdir " + conf + " check-all ", []string{"--help", "--json", "--mark", "--strict", "-m"}},
		{"vserverx --confdir " + conf + " check-all --mark ", []string{"db", "default", "web"}},
		{"vserverx --confdir " + conf + " start-all --", []string{"--all", "--dry-run", "--help", "--jobs", "--mark"}},
		{"vserverx --confdir " + conf + " start-all -m web -", []string{"--all", "--dry-run", "--help", "--jobs", "--mark", "-j", "-m"}},
		{"vserverx --confdir " + conf + " stop-all -m ", []string{"db", "default", "web"}},
		{"vserverx --confdir " + conf + " list --", []string{"--help", "--json", "--running-any"}},
		{"vserverx --confdir " + conf + " beta status -", []string{"--help", "--json"}},
		{"vserverx --confdir " + conf + " beta check --s", []string{"--strict"}},
		{"vserverx --confdir " + conf + " alpha ad", []string{"adopt"}},
		{"vserverx --confdir " + conf + " alpha adopt --", []string{"--dry-run", "--help", "--id", "--namespace", "--undo"}},
		{"vserverx --confdir " + conf + " alpha adopt --namespace ", []string{"fw"}},
		{"vserverx --confdir " + conf + " alpha adopt --namespace fw --d", []string{"--dry-run"}},
		{"vserverx --confdir " + conf + " beta ap", []string{"apply"}},
		{"vserverx --confdir " + conf + " beta apply --", []string{"--dry-run", "--help", "--recreate"}},
		{"vserverx --confdir " + conf + " beta apply --dry-run --r", []string{"--recreate"}},
		{"vserverx help sta", []string{"start", "start-all", "status", "status-all"}},
		{"vserverx --confdir " + conf + " start-all --mark ", []string{"db", "default", "web"}},
		{"vserverx --confdir " + conf + " stop-all --mark de", []string{"default"}},
		{"vserverx --confdir " + conf + " start-all --mark !d", []string{"!db", "!default"}},
		{"vserverx --confdir " + conf + " start-all --mark web -j ", nil},
		{"vserverx --confdir " + conf + " start-all --mark web -j 4 --d", []string{"--dry-run"}},
	}
	for _, c := range cases {
		if got := complete(t, dir, c.line); !slices.Equal(got, c.want) {
			t.Errorf("completing %q: %q, want %q", c.line, got, c.want)
		}
	}
}

func TestInstallMk(t *testing.T) {
	mk := requireTool(t, "make")
	stage := t.TempDir()
	// An existing defaults file is the administrator's: kept.
	if err := os.MkdirAll(filepath.Join(stage, "etc/default"), 0o755); err != nil {
		t.Fatal(err)
	}
	install := func(sbindir string) {
		cmd := exec.Command(mk, "-s", "-f", "install.mk", "install-contrib", "DESTDIR="+stage, "SBINDIR="+sbindir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make install-contrib: %v\n%s", err, out)
		}
	}
	install("/opt/vx/sbin")
	files := map[string]os.FileMode{
		"lib/systemd/system/vserverx.service":            0o644,
		"etc/init.d/vserverx":                            0o755,
		"etc/default/vserverx":                           0o644,
		"usr/share/bash-completion/completions/vserverx": 0o644,
		"etc/iproute2/rt_protos.d/vserverx.conf":         0o644,
	}
	for f, mode := range files {
		fi, err := os.Stat(filepath.Join(stage, f))
		if err != nil {
			t.Errorf("not installed: %v", err)
			continue
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", f, fi.Mode().Perm(), mode)
		}
	}
	unit := readFile(t, filepath.Join(stage, "lib/systemd/system/vserverx.service"))
	initd := readFile(t, filepath.Join(stage, "etc/init.d/vserverx"))
	if !strings.Contains(unit, "ExecStart=/opt/vx/sbin/vserverx ") || strings.Contains(unit, "/usr/sbin/vserverx") {
		t.Errorf("installed unit does not name SBINDIR's vserverx:\n%s", unit)
	}
	if !strings.Contains(initd, "VSERVERX=/opt/vx/sbin/vserverx\n") {
		t.Errorf("installed init script does not name SBINDIR's vserverx")
	}

	// Included from a Makefile elsewhere, as the top-level one does.
	top := filepath.Join(t.TempDir(), "Makefile")
	mkPath, err := filepath.Abs("install.mk")
	if err != nil {
		t.Fatal(err)
	}
	stage2 := t.TempDir()
	topText := "PREFIX = /usr/local\ninclude " + mkPath + "\ninstall: install-contrib\n"
	if err := os.WriteFile(top, []byte(topText), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mk, "-s", "-C", filepath.Dir(top), "install", "DESTDIR="+stage2)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install via include: %v\n%s", err, out)
	}
	for _, f := range []string{"usr/local/share/bash-completion/completions/vserverx", "etc/init.d/vserverx"} {
		if _, err := os.Stat(filepath.Join(stage2, f)); err != nil {
			t.Errorf("make install via include: %v", err)
		}
	}
	if initd := readFile(t, filepath.Join(stage2, "etc/init.d/vserverx")); !strings.Contains(initd, "VSERVERX=/usr/local/sbin/vserverx\n") {
		t.Errorf("make install via include with PREFIX=/usr/local: init script does not name /usr/local/sbin/vserverx")
	}

	defaults := filepath.Join(stage, "etc/default/vserverx")
	if err := os.WriteFile(defaults, []byte("VSERVERX_ARGS=mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	install("/usr/sbin")
	if got := readFile(t, defaults); got != "VSERVERX_ARGS=mine\n" {
		t.Errorf("reinstall replaced the administrator's %s: %q", defaults, got)
	}
}

// buildVserverx builds the vserverx command into a temporary directory.
func buildVserverx(t *testing.T) string {
	t.Helper()
	goTool := requireTool(t, "go")
	bin := filepath.Join(t.TempDir(), "vserverx")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/vserverx/vserverx/cmd/vserverx")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build vserverx: %v\n%s", err, out)
	}
	return bin
}

// TestInitScriptWithVserverx runs the init script against the real
// command, unprivileged: start-all/stop-all with --dry-run (from
// VSERVERX_BOOT_ARGS) on an example confdir, and a confdir with a
// dependency cycle, whose guests start-all would skip (exit 1: none would
// start).
func TestInitScriptWithVserverx(t *testing.T) {
	requireTool(t, "sh")
	bin := buildVserverx(t)
	dmz, err := filepath.Abs("../../../testdata/confdirs/dmz")
	if err != nil {
		t.Fatal(err)
	}
	cyclic := t.TempDir()
	for _, f := range []string{"a/vdir/", "a/apps/init/mark", "a/apps/init/depends", "b/vdir/", "b/apps/init/depends"} {
		p := filepath.Join(cyclic, f)
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		content := map[string]string{"a/apps/init/mark": "default\n", "a/apps/init/depends": "b\n", "b/apps/init/depends": "a\n"}[f]
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newInitEnv(t)
	cases := []struct {
		confdir, action string
		want            int
		out             string
	}{
		{dmz, "start", 0, "start-all --dry-run: 2 guests, at most 1 at a time\nwave 1: mail, web\n"},
		{dmz, "stop", 0, "stop-all --dry-run: 2 guests, at most 1 at a time\nwave 1: mail, web\n"},
		{cyclic, "start", 1, "dependency cycle a -> b -> a"},
	}
	for _, c := range cases {
		defaults := "VSERVERX=" + bin + "\nVSERVERX_ARGS=\"--confdir " + c.confdir + "\"\nVSERVERX_BOOT_ARGS=\"-j 1 --dry-run\"\n"
		if err := os.WriteFile(e.defaults, []byte(defaults), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, _ := e.run(t, "0", c.action)
		if code != c.want || !strings.Contains(out, c.out) {
			t.Errorf("%s on %s: exit %d, output:\n%s\nwant exit %d, output containing %q", c.action, c.confdir, code, out, c.want, c.out)
		}
	}
}

// sorted returns s sorted (completion replies come sorted).
func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
