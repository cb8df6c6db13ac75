// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"reflect"
	"strings"
	"testing"
)

// managedSet returns a managed function that accepts exactly names.
func managedSet(names ...string) func(string) bool {
	return func(x string) bool {
		for _, n := range names {
			if n == x {
				return true
			}
		}
		return false
	}
}

// testPrefix stands in for the CLI's prefix (vserverx GLOBALS NAME
// netns-exec --); it carries x so that the tests see which run it replaced.
func testPrefix(x string) []string {
	return []string{"/usr/sbin/vserverx", "--confdir", "/etc/vservers", x, "netns-exec", "--"}
}

func TestRewrite(t *testing.T) {
	const V = "/usr/sbin/vspace"
	run := func(v, x string) []string { return []string{v, "--enter", x, "--net", "--"} }
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name    string
		words   []string
		managed []string
		inside  string
		want    []string
	}{
		{"empty", nil, []string{"fw"}, "", []string{}},
		{"no run", []string{"nice", "-n", "0"}, []string{"fw"}, "", []string{"nice", "-n", "0"}},
		{"drop when inside", run(V, "fw"), []string{"fw"}, "fw", []string{}},
		{"replace when outside", run(V, "fw"), []string{"fw"}, "", testPrefix("fw")},
		{"replace when inside another", run(V, "fw"), []string{"fw", "zone"}, "zone", testPrefix("fw")},
		{"bare vspace", run("vspace", "fw"), []string{"fw"}, "fw", []string{}},
		{"relative path vspace", run("sbin/vspace", "fw"), []string{"fw"}, "fw", []string{}},
		{"not vspace", run("/usr/sbin/myvspace", "fw"), []string{"fw"}, "fw", run("/usr/sbin/myvspace", "fw")},
		{"vspace dir", run("/usr/sbin/vspace/", "fw"), []string{"fw"}, "fw", run("/usr/sbin/vspace/", "fw")},
		{"unmanaged kept", run(V, "ctx42"), []string{"fw"}, "fw", run(V, "ctx42")},
		{"uts run kept", []string{V, "--enter", "fw", "--uts", "--"}, []string{"fw"}, "fw",
			[]string{V, "--enter", "fw", "--uts", "--"}},
		{"net mount run kept", []string{V, "--enter", "fw", "--net", "--mount", "--"}, []string{"fw"}, "fw",
			[]string{V, "--enter", "fw", "--net", "--mount", "--"}},
		{"truncated run kept", []string{V, "--enter", "fw", "--net"}, []string{"fw"}, "fw",
			[]string{V, "--enter", "fw", "--net"}},
		{"surrounded", cat([]string{"a", "b"}, run(V, "fw"), []string{"c"}), []string{"fw"}, "fw",
			[]string{"a", "b", "c"}},
		{"several runs", cat(run(V, "fw"), run(V, "ctx"), run(V, "dmz")), []string{"fw", "dmz"}, "fw",
			cat(run(V, "ctx"), testPrefix("dmz"))},
		{"after a near miss", cat([]string{V, "--enter"}, run(V, "fw")), []string{"fw"}, "fw",
			[]string{V, "--enter"}},
		{"drop does not join a new run", []string{V, "--enter", V, "--enter", "fw", "--net", "--", "fw", "--net", "--"},
			[]string{"fw"}, "fw", []string{V, "--enter", "fw", "--net", "--"}},
		{"odd words kept", []string{"", "--", "it's", "$x", "\n"}, []string{"fw"}, "fw",
			[]string{"", "--", "it's", "$x", "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]string(nil), tt.words...)
			got := Rewrite(tt.words, managedSet(tt.managed...), tt.inside, testPrefix)
			if len(got) == 0 && len(tt.want) == 0 {
				got, tt.want = nil, nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Rewrite(%q, inside %q)\n got %q\nwant %q", tt.words, tt.inside, got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.words) {
				t.Errorf("Rewrite modified its input: %q became %q", in, tt.words)
			}
		})
	}
}

// TestRewriteAsksManagedOnlyForRuns checks that managed is consulted for the
// X of complete net runs only, so the CLI's lookup sees no stray words.
func TestRewriteAsksManagedOnlyForRuns(t *testing.T) {
	var asked []string
	managed := func(x string) bool { asked = append(asked, x); return false }
	words := []string{"/sbin/vspace", "--enter", "a", "--net", "--", "vspace", "--enter", "b", "--uts", "--", "x"}
	Rewrite(words, managed, "", testPrefix)
	if !reflect.DeepEqual(asked, []string{"a"}) {
		t.Fatalf("managed was asked about %q, want only [a]", asked)
	}
}

// splitWords decodes a fuzz input into a word list: each word ends with a
// NUL byte; a non-empty rest after the last NUL is one more word. So ""
// is no words and "\x00" is one empty word.
func splitWords(data string) []string {
	if data == "" {
		return nil
	}
	words := strings.Split(data, "\x00")
	if words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	return words
}

// fuzzMarker starts the replacement the fuzz tests' prefix produces; it
// contains a NUL, so no fuzz-generated word equals it.
const fuzzMarker = "\x00prefix"

func fuzzPrefix(x string) []string { return []string{fuzzMarker, x} }

// fuzzManaged accepts names of even length, so that fuzzing finds both
// managed and unmanaged runs.
func fuzzManaged(x string) bool { return len(x)%2 == 0 }

// checkOnlyRunsChanged verifies that out is in with exactly the managed net
// runs replaced (by fuzzPrefix) or, for inside, dropped — walking both
// lists in step, independently of Rewrite's own loop.
func checkOnlyRunsChanged(t *testing.T, in, out []string, inside string) {
	t.Helper()
	i, j := 0, 0
	for i < len(in) {
		x, isRun := EnterNetRun(in, i)
		switch {
		case isRun && fuzzManaged(x) && x == inside:
			i += runLen
		case isRun && fuzzManaged(x):
			if j+2 > len(out) || out[j] != fuzzMarker || out[j+1] != x {
				t.Fatalf("net run for %q at input word %d was not replaced by the prefix: in %q out %q", x, i, in, out)
			}
			i, j = i+runLen, j+2
		default:
			if j >= len(out) || out[j] != in[i] {
				t.Fatalf("input word %d %q was not kept at output word %d: in %q out %q", i, in[i], j, in, out)
			}
			i, j = i+1, j+1
		}
	}
	if j != len(out) {
		t.Fatalf("output has %d extra words: in %q out %q", len(out)-j, in, out)
	}
}

// rewriteSeeds are the fuzz seeds shared by FuzzRewrite and FuzzRoundTrip.
var rewriteSeeds = []string{
	"",
	"\x00",
	"/usr/sbin/vspace\x00--enter\x00fw\x00--net\x00--\x00",
	"nice\x00/usr/sbin/vspace\x00--enter\x00fw\x00--net\x00--\x00vspace\x00--enter\x00ctx\x00--net\x00--\x00/sbin/chbind\x00",
	"vspace\x00--enter\x00fw\x00--uts\x00--\x00vspace\x00--enter\x00ab\x00--net\x00--\x00",
	"it's\x00$HOME\x00`id`\x00a\nb\x00\\\x00\"\x00'\x00''\x00!x\x00*\x00~\x00\xff\xfe\x00 \t\x00",
	"vspace\x00--enter\x00'$(touch /tmp/x)'\x00--net\x00--\x00",
}

func FuzzRewrite(f *testing.F) {
	for _, s := range rewriteSeeds {
		f.Add(s, "fw")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, data, inside string) {
		in := splitWords(data)
		keep := append([]string(nil), in...)
		out := Rewrite(in, fuzzManaged, inside, fuzzPrefix)
		if !reflect.DeepEqual(keep, in) {
			t.Fatalf("Rewrite modified its input")
		}
		checkOnlyRunsChanged(t, in, out, inside)
	})
}
