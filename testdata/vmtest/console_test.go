// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"strings"
	"testing"
)

const testMarker = "@@vmtest-abc123"

func TestParseConsole(t *testing.T) {
	text := strings.Join([]string{
		"[    0.000000] Linux version 6.1.0",
		"@@vmtest-abc123 BEGIN first",
		"=== RUN   TestA",
		"[    3.1] a kernel message in between",
		"--- PASS: TestA (0.01s)",
		"PASS",
		"@@vmtest-abc123 END first 0",
		"@@vmtest-abc123 BEGIN second",
		"panic: no newline at the end@@vmtest-abc123 END second 2",
		"@@vmtest-abc123 BEGIN third",
		"@@vmtest-other END third 0",
		"",
	}, "\n")
	c := parseConsole(text, testMarker)
	if c.done || c.initErr != "" {
		t.Errorf("done %v initErr %q, want an unfinished run without error", c.done, c.initErr)
	}
	if len(c.runs) != 3 {
		t.Fatalf("runs %+v, want 3", c.runs)
	}
	first, second, third := c.runs[0], c.runs[1], c.runs[2]
	if first.Name != "first" || first.ExitCode != 0 || !strings.HasPrefix(first.Output, "=== RUN   TestA\n[    3.1]") || !strings.HasSuffix(first.Output, "PASS\n") {
		t.Errorf("first run %+v", first)
	}
	if second.ExitCode != 2 || second.Output != "panic: no newline at the end\n" {
		t.Errorf("second run %+v, want the partial line as output and code 2", second)
	}
	if third.ExitCode != -1 || !strings.Contains(third.Output, "@@vmtest-other END") {
		t.Errorf("third run %+v: a marker with another nonce must not end it", third)
	}
}

func TestParseConsoleDoneAndError(t *testing.T) {
	c := parseConsole("x\n@@vmtest-abc123 ERROR insmod 8021q.ko\n", testMarker)
	if c.initErr != "insmod 8021q.ko" || c.done {
		t.Errorf("got %+v, want initErr %q", c, "insmod 8021q.ko")
	}
	c = parseConsole("@@vmtest-abc123 DONE\n[ 9.0] reboot: Power down\n", testMarker)
	if !c.done || len(c.runs) != 0 {
		t.Errorf("got %+v, want done and no runs", c)
	}
}

func TestConsoleTail(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString("line\n")
	}
	b.WriteString("last line\n")
	tail := consoleTail(b.String())
	if !strings.HasPrefix(tail, "--- last 60 lines of the VM console ---\n") || !strings.HasSuffix(tail, "line\nlast line") || strings.Count(tail, "\n") != 60 {
		t.Errorf("consoleTail:\n%s", tail)
	}
}
