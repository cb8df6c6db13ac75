// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantRefusal checks that err is a *RefuseError at file (relative to
// confdir) and line whose message contains msg.
func wantRefusal(t *testing.T, err error, confdir, file string, line int, msg string) {
	t.Helper()
	var re *RefuseError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want a *RefuseError", err, err)
	}
	if want := filepath.Join(confdir, file); re.File != want || re.Line != line {
		t.Errorf("refused at %s:%d, want %s:%d (%v)", re.File, re.Line, want, line, err)
	}
	if !strings.Contains(re.Msg, msg) {
		t.Errorf("message %q does not contain %q", re.Msg, msg)
	}
	if !strings.Contains(err.Error(), ": cannot adopt: ") {
		t.Errorf("error %q lacks \": cannot adopt: \"", err)
	}
}

func writeFile(p, content string) error { return os.WriteFile(p, []byte(content), 0o644) }
