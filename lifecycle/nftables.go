// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/netns"
	"github.com/vserverx/vserverx/wrapper"
)

// DefaultNft is where Debian's nftables package installs nft.
const DefaultNft = "/usr/sbin/nft"

// NftPackage is the Debian package that holds nft.
const NftPackage = "nftables"

// errNoThrowaway is wrapped by the error of a check that could not make
// its throwaway network namespace (without root: user namespaces are not
// allowed on this host).
var errNoThrowaway = errors.New("cannot make a throwaway network namespace")

// ErrNftNotFound is wrapped by the error of a command that needs nft (a
// namespace has an nftables ruleset) when nft cannot be found.
var ErrNftNotFound = errors.New("nftables' nft command not found")

// FindNft returns the path of nft: explicit (the --nft option) when set,
// else DefaultNft when it exists, else "nft" looked up in PATH. A missing
// or non-executable command is an error naming what was tried and the
// package that holds it.
func FindNft(explicit string) (string, error) { return findNft(explicit, DefaultNft) }

// findNft is FindNft with def in place of DefaultNft.
func findNft(explicit, def string) (string, error) {
	if explicit != "" {
		if err := executableFile(explicit); err != nil {
			return "", fmt.Errorf("%w: %v (named by --nft)", ErrNftNotFound, err)
		}
		return explicit, nil
	}
	if executableFile(def) == nil {
		return def, nil
	}
	if p, err := exec.LookPath("nft"); err == nil {
		return filepath.Abs(p)
	}
	return "", fmt.Errorf("%w (tried %s and PATH); install Debian's %s package (apt-get install %s) or give --nft PATH",
		ErrNftNotFound, def, NftPackage, NftPackage)
}

// executableFile fails unless path names an executable regular file.
func executableFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case st.IsDir() || st.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// needNft fails when namespace def has a ruleset and nft was not found.
func (e *Env) needNft(def *config.Namespace) error {
	if def.Nftables == "" || e.Nft != "" {
		return nil
	}
	if e.NftErr != nil {
		return fmt.Errorf("namespace %s has a ruleset %s: %w", def.Name, def.Nftables, e.NftErr)
	}
	return fmt.Errorf("namespace %s has a ruleset %s: %w", def.Name, def.Nftables, ErrNftNotFound)
}

// loadInput is what nft reads to load file: the whole ruleset is
// replaced in one transaction, as if the file began with `flush ruleset`,
// so that loading it twice never doubles a rule. The file's path was
// checked by config to be includable.
func loadInput(file string) string {
	return fmt.Sprintf("flush ruleset\ninclude \"%s\"\n", file)
}

// nftCmd is nft with args, reading stdin, its output captured.
type nftCmd struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// newNft prepares e's nft with args and stdin.
func (e *Env) newNft(stdin string, args ...string) *nftCmd {
	c := &nftCmd{cmd: exec.Command(e.Nft, args...)}
	c.cmd.Stdin = strings.NewReader(stdin)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	return c
}

// runNftIn runs nft with args and stdin inside ns and returns what it
// printed. When ctx ends while it runs, nft gets the signal and the call
// fails, whatever nft answered. nft's own message (file, line, column) is
// in the error.
//
// Equivalent to: ip netns exec NAME nft ARGS... <STDIN
func (e *Env) runNftIn(ctx context.Context, ns *netns.NS, stdin string, args ...string) (string, error) {
	c := e.newNft(stdin, args...)
	if err := netns.StartIn(ns, c.cmd, netns.ExecOptions{}); err != nil {
		return "", fmt.Errorf("running %s in namespace %s: %w", e.Nft, ns.Name, err)
	}
	return c.wait(ctx, "in namespace "+ns.Name)
}

// runNftThrowaway runs nft with args and stdin in a network namespace of
// its own, made for this run and gone with it (never X, never the host);
// without root, inside a user namespace too.
//
// Equivalent to: unshare --net nft ARGS... <STDIN
func (e *Env) runNftThrowaway(ctx context.Context, stdin string, args ...string) (string, error) {
	c := e.newNft(stdin, args...)
	c.cmd.SysProcAttr = throwawayNetns()
	if err := c.cmd.Start(); err != nil {
		return "", fmt.Errorf("running %s: %w: %w", e.Nft, errNoThrowaway, err)
	}
	return c.wait(ctx, "in a throwaway network namespace")
}

// throwawayNetns is the clone flags of a child in a new network namespace:
// root gets it directly; others inside a new user namespace where they are
// root (as `unshare -rn`).
func throwawayNetns() *syscall.SysProcAttr {
	if os.Geteuid() == 0 {
		return &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	}
	return &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWNET | syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}},
	}
}

// wait waits for the started nft (where says where it runs).
func (c *nftCmd) wait(ctx context.Context, where string) (string, error) {
	err := wrapper.Wait(ctx, c.cmd)
	code, exited := wrapper.StatusOf(err)
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("%w while %s ran %s", context.Cause(ctx), c.cmd.Path, where)
	case !exited:
		return "", fmt.Errorf("%s %s failed: %w", c.cmd.Path, where, err)
	case code != 0:
		return "", fmt.Errorf("%s %s failed (exit code %d):\n%s", c.cmd.Path, where, code, nftMessage(c.stderr.String()))
	}
	return c.stdout.String(), nil
}

// nftMessage is nft's error output without the line that names the
// include vserverx wraps the file in: what is left names the file, line
// and column.
func nftMessage(stderr string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
		if !strings.HasPrefix(l, "In file included from /dev/stdin:") {
			out = append(out, "  "+l)
		}
	}
	return strings.Join(out, "\n")
}

// listRuleset is the ruleset ns holds, without counter and quota values
// (which change with traffic).
//
// Equivalent to: ip netns exec NAME nft --stateless list ruleset
func (e *Env) listRuleset(ctx context.Context, ns *netns.NS) (string, error) {
	return e.runNftIn(ctx, ns, "", "--stateless", "list", "ruleset")
}

// digest is the hex SHA-256 of b.
func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fileDigest is the digest of the ruleset file.
func fileDigest(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading ruleset: %w", err)
	}
	return digest(b), nil
}

// rulesetRecord is what vserverx remembers of the ruleset it loaded into a
// namespace: the digest of the file it loaded and of the ruleset that
// load produced (nft --stateless list ruleset right after it). Kept in
// STATEDIR/X.nftables while the namespace exists.
type rulesetRecord struct {
	File    string // the ruleset file loaded
	FileSum string // digest of its content then
	Loaded  string // digest of the listing the load produced
}

// recordPath is where the record of namespace x is kept.
func recordPath(stateDir, x string) string {
	return filepath.Join(stateDir, x+".nftables")
}

// readRecord reads the record of namespace x; ok is false when there is
// none.
func (e *Env) readRecord(x string) (r rulesetRecord, ok bool, err error) {
	b, err := os.ReadFile(recordPath(e.Paths.StateDir, x))
	if errors.Is(err, fs.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 3 {
		return r, false, fmt.Errorf("%s: not a record of a loaded ruleset (want 3 lines: file, file digest, loaded digest)", recordPath(e.Paths.StateDir, x))
	}
	return rulesetRecord{File: lines[0], FileSum: lines[1], Loaded: lines[2]}, true, nil
}

// writeRecord keeps r as the record of namespace x, replacing any
// (written to a temporary file, renamed into place; the state directory
// is root's only).
func (e *Env) writeRecord(x string, r rulesetRecord) error {
	if err := SecureStateDir(e.Paths.StateDir); err != nil {
		return err
	}
	path := recordPath(e.Paths.StateDir, x)
	tmp := path + ".tmp"
	data := r.File + "\n" + r.FileSum + "\n" + r.Loaded + "\n"
	if err := os.WriteFile(tmp, []byte(data), 0o600); err != nil {
		return fmt.Errorf("keeping the digest of the loaded ruleset: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("keeping the digest of the loaded ruleset: %w", err)
	}
	return nil
}

// forgetRecord removes the record of namespace x (it is gone, or holds no
// ruleset of vserverx's).
func (e *Env) forgetRecord(x string) error {
	err := os.Remove(recordPath(e.Paths.StateDir, x))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the record of namespace %s's ruleset: %w", x, err)
	}
	return nil
}

// restoreRecord puts back the record of x as it was (had: there was one).
func (e *Env) restoreRecord(x string, r rulesetRecord, had bool) error {
	if had {
		return e.writeRecord(x, r)
	}
	return e.forgetRecord(x)
}
