// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package adopt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// UndoName is the file in a backup directory that says how to undo the
// adoption: one line per change, tab-separated — "namespace X", "moved
// REL" (moved into the backup), "saved REL" (copied into the backup before
// it was rewritten), "wrote SHA256 REL" (what adopt left in REL).
const UndoName = "UNDO"

// entryKind is what an undo manifest line records.
type entryKind string

const (
	entryMoved entryKind = "moved"
	entrySaved entryKind = "saved"
	entryWrote entryKind = "wrote"
)

// entry is one line of the undo manifest.
type entry struct {
	kind entryKind
	rel  string
	sum  string // entryWrote: the SHA-256 of the content, hex
}

// formatJournal renders the undo manifest.
func formatJournal(ns string, journal []entry) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "namespace\t%s\n", ns)
	for _, e := range journal {
		if e.kind == entryWrote {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", e.kind, e.sum, e.rel)
		} else {
			fmt.Fprintf(&b, "%s\t%s\n", e.kind, e.rel)
		}
	}
	return []byte(b.String())
}

// parseJournal reads an undo manifest; file names it in errors.
func parseJournal(file string, data []byte) (ns string, journal []entry, err error) {
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		f := strings.Split(line, "\t")
		switch {
		case len(f) == 2 && f[0] == "namespace":
			ns = f[1]
		case len(f) == 2 && (f[0] == string(entryMoved) || f[0] == string(entrySaved)):
			journal = append(journal, entry{kind: entryKind(f[0]), rel: f[1]})
		case len(f) == 3 && f[0] == string(entryWrote) && len(f[1]) == 64:
			journal = append(journal, entry{kind: entryWrote, sum: f[1], rel: f[2]})
		default:
			return "", nil, fmt.Errorf("%s:%d: %q is not a line adopt writes", file, i+1, line)
		}
	}
	return ns, journal, nil
}

// fileSum returns the SHA-256 of a file's content, hex.
func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
