// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package wrapper

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultVarsFile is where util-vserver's `vserver` looks for its
// util-vserver-vars when UTIL_VSERVER_VARS is not set.
const DefaultVarsFile = "/usr/lib/util-vserver/util-vserver-vars"

// RunEntry is the name of a guest's run entry in its confdir: a symlink to
// the run file holding the context id, readable only while the guest runs.
const RunEntry = "run"

// runningScript asks util-vserver's own isVserverRunning about every guest
// named in its arguments, sourcing util-vserver-vars and util-vserver's
// functions library once, as the `vserver` command does: one line per
// guest, "running<TAB>NAME" or "stopped<TAB>NAME". Each guest is the
// directory __CONFDIR/NAME, as `vserver NAME running` resolves it.
const runningScript = `
: "${UTIL_VSERVER_VARS:=` + DefaultVarsFile + `}"
. "$UTIL_VSERVER_VARS" || exit 1
. "$_LIB_FUNCTIONS" || exit 1
for name; do
    if isVserverRunning "$__CONFDIR/$name"; then
        printf 'running\t%s\n' "$name"
    else
        printf 'stopped\t%s\n' "$name"
    fi
done
`

// runningProgram is $0 of the batch, as util-vserver's messages name it.
const runningProgram = "vserverx-running"

// Running reports which of the guests names run, with the answers of
// `vserver NAME running` but at most one run of util-vserver's scripts
// for all of them. A guest whose run entry CONFDIR/NAME/run cannot be read
// is not running, and util-vserver is not asked about it (its own
// isVserverRunning starts with that test); the others are asked in one
// bash that sources util-vserver-vars and util-vserver's functions once and
// calls isVserverRunning for each. The error says why util-vserver could
// not be asked; the map then holds the guests without a run entry.
//
// Equivalent to: for NAME; do vserver NAME running; done.
func (v Vserver) Running(ctx context.Context, confdir string, names []string) (map[string]bool, error) {
	state := make(map[string]bool, len(names))
	var ask []string
	for _, n := range names {
		if hasRunEntry(confdir, n) {
			ask = append(ask, n)
		} else {
			state[n] = false
		}
	}
	if len(ask) == 0 {
		return state, nil
	}
	asked, err := v.askRunning(ctx, ask)
	for n, r := range asked {
		state[n] = r
	}
	return state, err
}

// hasRunEntry reports whether guest name's run entry can be read (as
// `test -r CONFDIR/NAME/run`; a dangling symlink cannot).
func hasRunEntry(confdir, name string) bool {
	return unix.Access(filepath.Join(confdir, name, RunEntry), unix.R_OK) == nil
}

// askRunning runs the batch for names and parses its answer.
func (v Vserver) askRunning(ctx context.Context, names []string) (map[string]bool, error) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		return nil, fmt.Errorf("asking util-vserver whether %s run: %w", strings.Join(names, ", "), err)
	}
	cmd := exec.CommandContext(ctx, bash, append([]string{"-c", runningScript, runningProgram}, names...)...)
	cmd.Env = v.Environ("")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	state := parseRunning(out.Bytes(), names)
	if runErr != nil || len(state) != len(names) {
		return state, fmt.Errorf("asking util-vserver whether %s run (isVserverRunning from %s): %v: %s",
			strings.Join(names, ", "), v.varsFileText(), orExit(runErr), strings.TrimSpace(errOut.String()))
	}
	return state, nil
}

// parseRunning reads the batch's lines, keeping only the guests asked.
func parseRunning(out []byte, names []string) map[string]bool {
	asked := make(map[string]bool, len(names))
	for _, n := range names {
		asked[n] = true
	}
	state := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		word, name, ok := strings.Cut(sc.Text(), "\t")
		if ok && asked[name] && (word == "running" || word == "stopped") {
			state[name] = word == "running"
		}
	}
	return state
}

func (v Vserver) varsFileText() string {
	if v.VarsFile != "" {
		return v.VarsFile
	}
	return "$UTIL_VSERVER_VARS or " + DefaultVarsFile
}

func orExit(err error) string {
	if err == nil {
		return "not every guest was answered"
	}
	return err.Error()
}
