package vspace

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/vserverx/vserverx/config"
)

// Names of the files setup writes.
const (
	// ScriptletName is the file name of the guest scriptlets in
	// scripts/prepre-start.d/ and scripts/postpost-stop.d/.
	ScriptletName = "vserverx"
	// HostScriptletName is the file name of the host-wide scriptlet in
	// CONFDIR/.defaults/scripts/initialize.d/.
	HostScriptletName = "vserverx-rslave"
	// CleanupSkipName is util-vserver's list of paths its namespace cleanup
	// must not unmount, in the guest's confdir and in .defaults.
	CleanupSkipName = "namespace-cleanup-skip"
)

// scriptletPerm is the mode of every scriptlet: readable and not
// executable, so that util-vserver sources it.
const scriptletPerm fs.FileMode = 0o644

// Setup installs and checks what util-vserver needs for a vserverx-managed
// guest: the two guest scriptlets, the namespace-cleanup-skip entry and the
// host-wide initialize scriptlet.
type Setup struct {
	ConfDir  string // util-vserver's confdir, e.g. /etc/vservers
	NetnsDir string // where named namespaces live, e.g. /run/netns
	Opt      ScriptletOptions
}

// Action is one change to a file: what was done by Install, or would be
// done, by Plan.
type Action struct{ Path, What string }

func (a Action) String() string { return a.Path + ": " + a.What }

// change is an Action with what it writes.
type change struct {
	Action
	real    string // resolved path that is written
	content []byte
	perm    fs.FileMode
}

// PrepreStartPath returns CONFDIR/G/scripts/prepre-start.d/vserverx.
func (s Setup) PrepreStartPath(g *config.Guest) string {
	return filepath.Join(s.guestDir(g), "scripts", "prepre-start.d", ScriptletName)
}

// PostpostStopPath returns CONFDIR/G/scripts/postpost-stop.d/vserverx.
func (s Setup) PostpostStopPath(g *config.Guest) string {
	return filepath.Join(s.guestDir(g), "scripts", "postpost-stop.d", ScriptletName)
}

// CleanupSkipPath returns CONFDIR/G/namespace-cleanup-skip.
func (s Setup) CleanupSkipPath(g *config.Guest) string {
	return filepath.Join(s.guestDir(g), CleanupSkipName)
}

// HostScriptletPath returns CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave.
func (s Setup) HostScriptletPath() string {
	return filepath.Join(s.ConfDir, ".defaults", "scripts", "initialize.d", HostScriptletName)
}

// CleanupSkipEntry returns the line namespace-cleanup-skip needs for
// namespace x: NETNS_DIR/X, e.g. /run/netns/fw. util-vserver compares
// entries as exact paths.
func (s Setup) CleanupSkipEntry(x string) string { return filepath.Join(s.NetnsDir, x) }

// guestDir returns g.Dir, or CONFDIR/NAME when it is not set.
func (s Setup) guestDir(g *config.Guest) string {
	if g.Dir != "" {
		return g.Dir
	}
	return filepath.Join(s.ConfDir, g.Name)
}

// validate checks the values Install and Check rely on.
func (s Setup) validate(g *config.Guest, x string) error {
	switch {
	case g == nil || g.Name == "":
		return errors.New("vspace setup: no guest given")
	case s.ConfDir == "":
		return fmt.Errorf("guest %s: no confdir given", g.Name)
	case !filepath.IsAbs(s.NetnsDir):
		return fmt.Errorf("guest %s: the namespace directory %q is not an absolute path", g.Name, s.NetnsDir)
	case !filepath.IsAbs(s.Opt.Vserverx):
		return fmt.Errorf("guest %s: the path of vserverx %q for the scriptlets is not absolute", g.Name, s.Opt.Vserverx)
	case x == "" || x == "." || x == ".." || strings.ContainsAny(x, "/\x00\n"):
		return fmt.Errorf("guest %s: namespace name %q cannot be a file name in %s", g.Name, x, s.NetnsDir)
	}
	return nil
}

// Plan returns what Install would change for guest g in namespace x,
// changing nothing. It fails where Install would fail before writing.
func (s Setup) Plan(g *config.Guest, x string) ([]Action, error) {
	cs, err := s.changes(g, x)
	if err != nil {
		return nil, err
	}
	actions := make([]Action, len(cs))
	for i, c := range cs {
		actions[i] = c.Action
	}
	return actions, nil
}

// Install writes what util-vserver needs to start guest g in vserverx's
// namespace x and returns what it changed:
//
//   - CONFDIR/G/scripts/prepre-start.d/vserverx and
//     CONFDIR/G/scripts/postpost-stop.d/vserverx (PrepreStartScriptlet,
//     PostpostStopScriptlet), mode 0644, rewritten when they differ;
//   - the line NETNS_DIR/X in CONFDIR/G/namespace-cleanup-skip, added with
//     every other line kept; a new file also gets the entries of
//     CONFDIR/.defaults/namespace-cleanup-skip, which util-vserver stops
//     reading for a guest that has its own;
//   - CONFDIR/.defaults/scripts/initialize.d/vserverx-rslave
//     (HostRslaveScriptlet) when it is missing or is an older vserverx
//     version; a file there without vserverx's marker is the
//     administrator's and is left alone.
//
// Every file is replaced atomically (temporary file and rename), missing
// directories are created. Install is idempotent: when everything is in
// place it writes nothing and returns no actions. Before it writes
// anything it checks every path; it refuses, naming the path, to write
// through a symbolic link that leads out of the confdir (ErrOutsideConfDir).
// When a write fails, the files written before it stay (each is complete)
// and the actions done so far are returned with the error.
func (s Setup) Install(g *config.Guest, x string) ([]Action, error) {
	cs, err := s.changes(g, x)
	if err != nil {
		return nil, err
	}
	var done []Action
	for _, c := range cs {
		if err := writeAtomic(c.real, c.content, c.perm); err != nil {
			return done, err
		}
		done = append(done, c.Action)
	}
	return done, nil
}

// changes computes every file change Install makes, checking all paths.
func (s Setup) changes(g *config.Guest, x string) ([]change, error) {
	if err := s.validate(g, x); err != nil {
		return nil, err
	}
	realConf, err := filepath.EvalSymlinks(s.ConfDir)
	if err != nil {
		return nil, fmt.Errorf("confdir %s: %w", s.ConfDir, err)
	}
	steps := []func() (*change, error){
		func() (*change, error) {
			return scriptletChange(realConf, s.PrepreStartPath(g), PrepreStartScriptlet(s.Opt), "prepre-start scriptlet", true)
		},
		func() (*change, error) {
			return scriptletChange(realConf, s.PostpostStopPath(g), PostpostStopScriptlet(s.Opt), "postpost-stop scriptlet", true)
		},
		func() (*change, error) { return s.cleanupSkipChange(realConf, g, x) },
		func() (*change, error) {
			return scriptletChange(realConf, s.HostScriptletPath(), HostRslaveScriptlet(), "host-wide initialize scriptlet", false)
		},
	}
	var cs []change
	for _, step := range steps {
		c, err := step()
		if err != nil {
			return nil, err
		}
		if c != nil {
			cs = append(cs, *c)
		}
	}
	return cs, nil
}

// scriptletChange returns the change that makes path hold text with mode
// 0644, or nil when it does already. With own false, an existing file
// without vserverx's marker is the administrator's and is left alone.
func scriptletChange(realConf, path, text, name string, own bool) (*change, error) {
	real, err := resolveInside(realConf, path)
	if err != nil {
		return nil, err
	}
	old, mode, exists, err := readIfExists(real)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var what string
	switch {
	case !exists:
		what = "install the " + name + " (" + strings.TrimPrefix(Marker(), "# ") + ")"
	case string(old) == text && mode&0o111 == 0:
		return nil, nil
	case !own && !HasMarker(old):
		return nil, nil
	case string(old) == text:
		what = "make the " + name + " non-executable: util-vserver runs executable scriptlets instead of sourcing them"
	default:
		what = "replace the " + name + ", which differs from what this vserverx writes, by " + strings.TrimPrefix(Marker(), "# ")
	}
	return newChange(path, real, what, []byte(text), scriptletPerm), nil
}

// newChange builds a change, noting in What when symbolic links lead to
// another file.
func newChange(path, real, what string, content []byte, perm fs.FileMode) *change {
	if real != filepath.Clean(path) {
		what += " (through symbolic links: " + real + ")"
	}
	return &change{Action: Action{Path: path, What: what}, real: real, content: content, perm: perm}
}

// cleanupSkipChange returns the change that adds NETNS_DIR/X to the guest's
// namespace-cleanup-skip, or nil when the line is there.
//
// config.Guest carries the file's entries already (CleanupSkip), but
// without its comments; this is the one place outside the config package
// that reads a guest file, only to write it back with every line the
// administrator put there.
func (s Setup) cleanupSkipChange(realConf string, g *config.Guest, x string) (*change, error) {
	path, entry := s.CleanupSkipPath(g), s.CleanupSkipEntry(x)
	real, err := resolveInside(realConf, path)
	if err != nil {
		return nil, err
	}
	old, mode, exists, err := readIfExists(real)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if exists {
		if hasLine(old, entry) {
			return nil, nil
		}
		return newChange(path, real, "add "+entry, appendLine(old, entry), mode), nil
	}
	return s.newCleanupSkip(path, real, entry)
}

// newCleanupSkip returns the change that creates a guest's
// namespace-cleanup-skip: util-vserver reads .defaults/namespace-cleanup-skip
// only for guests without one, so its entries are copied first.
func (s Setup) newCleanupSkip(path, real, entry string) (*change, error) {
	defaults := filepath.Join(s.ConfDir, ".defaults", CleanupSkipName)
	dflt, _, exists, err := readIfExists(defaults)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", defaults, err)
	}
	what := "create it with " + entry
	var content []byte
	if exists {
		for _, line := range lines(dflt) {
			if strings.TrimSpace(line) != "" && line != entry {
				content = appendLine(content, line)
			}
		}
		if len(content) > 0 {
			what += " and the entries of " + defaults + ", which util-vserver no longer reads for this guest once it has its own file"
		}
	}
	return newChange(path, real, what, appendLine(content, entry), 0o644), nil
}

// lines splits a file into its lines (without the newlines).
func lines(content []byte) []string {
	s := strings.TrimSuffix(string(content), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// hasLine reports whether content has a line that is exactly line.
func hasLine(content []byte, line string) bool {
	for _, l := range lines(content) {
		if l == line {
			return true
		}
	}
	return false
}

// appendLine returns content with line added as a last line, adding the
// newline a last line without one lacks.
func appendLine(content []byte, line string) []byte {
	out := bytes.Clone(content)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(append(out, line...), '\n')
}
