// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `''`},
		{"abc", `'abc'`},
		{"it's", `'it'\''s'`},
		{"''", `''\'''\'''`},
		{"$x `id` \\ \n", "'$x `id` \\ \n'"},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatAssignment(t *testing.T) {
	if got, want := FormatAssignment("A", nil), "A=( )"; got != want {
		t.Errorf("empty list: got %q, want %q", got, want)
	}
	if got, want := FormatAssignment("_a1", []string{"x", "", "it's"}), `_a1=( 'x' '' 'it'\''s' )`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFormatAssignmentRejectsBadName(t *testing.T) {
	for _, name := range []string{"", "1A", "A-B", "A B", "A=(x)", "$(id)", "Aé", "é"} {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, "is not a bash identifier") || !strings.Contains(msg, name) {
					t.Errorf("FormatAssignment(%q): panic %v, want one naming the name", name, r)
				}
			}()
			FormatAssignment(name, []string{"x"})
		}()
	}
}

// requireBash skips the test when bash is missing.
func requireBash(t testing.TB) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed: cannot check the shell text with a real bash")
	}
	return bash
}

// bashArray writes text to a file, has bash eval it (in a UTF-8 locale, the
// harder case for bytes that are not UTF-8) and print the number of words
// and the words of the array name, each followed by NUL, and returns the
// words bash holds.
func bashArray(t *testing.T, bash, text, name string) []string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "assignment")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", `eval "$(cat "$1")"; printf "%s\0" "${#`+name+`[@]}" "${`+name+`[@]}"`, "bash", file)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C.UTF-8"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("bash eval of %q: %v: %s", text, err, stderr.String())
	}
	words := strings.Split(string(out), "\x00")
	words = words[:len(words)-1] // printf ends every word with NUL
	if n, err := strconv.Atoi(words[0]); err != nil || n != len(words)-1 {
		t.Fatalf("bash printed %q: the count does not match the words", out)
	}
	return words[1:]
}

// FuzzRoundTrip feeds word lists through Rewrite and FormatAssignment into a
// real bash and checks that bash holds exactly the words (both for the
// list as it is and for the rewritten one), and that the rewrite changed
// nothing but the intended runs.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range rewriteSeeds {
		f.Add(s, "fw")
		f.Add(s, "ab")
	}
	f.Fuzz(func(t *testing.T, data, inside string) {
		bash := requireBash(t)
		in := splitWords(data)
		if got := bashArray(t, bash, FormatAssignment("VSPACE_SHARED_CMD", in), "VSPACE_SHARED_CMD"); !equalWords(got, in) {
			t.Fatalf("round trip through bash changed the words:\n in %q\nout %q", in, got)
		}
		prefix := func(x string) []string { return []string{"/usr/sbin/vserverx", x, "--"} }
		out := Rewrite(in, fuzzManaged, inside, fuzzPrefix)
		checkOnlyRunsChanged(t, in, out, inside)
		real := Rewrite(in, fuzzManaged, inside, prefix)
		if got := bashArray(t, bash, FormatAssignment("VSPACE_SHARED_CMD", real), "VSPACE_SHARED_CMD"); !equalWords(got, real) {
			t.Fatalf("rewritten words changed in bash:\n want %q\n  got %q", real, got)
		}
	})
}

// equalWords compares word lists, nil and empty being equal.
func equalWords(a, b []string) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}
