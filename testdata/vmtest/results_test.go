// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"reflect"
	"strings"
	"testing"
)

const sampleOutput = `=== RUN   TestPass
    a_test.go:1: some log
--- PASS: TestPass (0.00s)
=== RUN   TestSkip
    a_test.go:2: kernel lacks the 8021q driver
--- SKIP: TestSkip (0.00s)
=== RUN   TestTable
=== RUN   TestTable/vlan
    a_test.go:3: wrong id
=== RUN   TestTable/dummy
=== PAUSE TestTable/dummy
=== CONT  TestTable/dummy
--- FAIL: TestTable (0.00s)
    --- FAIL: TestTable/vlan (0.00s)
    --- PASS: TestTable/dummy (0.00s)
FAIL
`

func TestTestsParsesResults(t *testing.T) {
	got := RunResult{Name: "pkg", Output: sampleOutput}.Tests()
	var names []string
	for _, r := range got {
		names = append(names, r.Status+" "+r.Name)
	}
	want := []string{"PASS TestPass", "SKIP TestSkip", "FAIL TestTable", "FAIL TestTable/vlan", "PASS TestTable/dummy"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("results %q, want %q", names, want)
	}
	if got[1].Output != "    a_test.go:2: kernel lacks the 8021q driver\n" {
		t.Errorf("skip output %q", got[1].Output)
	}
	if !strings.Contains(got[3].Output, "wrong id") {
		t.Errorf("subtest result lacks its top-level output: %q", got[3].Output)
	}
}

func TestProblems(t *testing.T) {
	for _, c := range []struct {
		name     string
		run      RunResult
		mustPass []string
		want     []string
	}{
		{"all passed", RunResult{Name: "p", Output: "--- PASS: TestA (0.00s)\nPASS\n"}, []string{"TestA"}, nil},
		{"mixed", RunResult{Name: "p", Output: sampleOutput, ExitCode: 1}, []string{"TestPass", "TestSkip", "TestMissing"}, []string{
			"p exited with code 1",
			"TestMissing did not run inside the VM (no result line)",
			"TestSkip skipped inside the VM, where it must run:\n    a_test.go:2: kernel lacks the 8021q driver",
			"TestTable failed inside the VM",
			"TestTable/vlan failed inside the VM",
		}},
		{"skipped subtest", RunResult{Name: "p", Output: "=== RUN   TestA\n    --- SKIP: TestA/vlan (0.00s)\n--- PASS: TestA (0.00s)\n"}, []string{"TestA"}, []string{
			"TestA/vlan skipped inside the VM, where it must run:\n(it printed no reason)",
		}},
		{"nothing ran", RunResult{Name: "p", Output: "testing: warning: no tests to run\nPASS\n"}, nil, []string{"p ran no test that passed"}},
		{"end marker missing", RunResult{Name: "p", Output: "--- PASS: TestA (0.00s)\n", ExitCode: -1}, nil, []string{"p exited with code -1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.run.Problems(c.mustPass); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Problems:\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}
