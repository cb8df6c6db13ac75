// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestDriverTests(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a_test.go"), `package p

import "testing"

func TestMain(m *testing.M) { nstest.Main(m) }

func requireVLAN(t *testing.T) { nstest.RequireDriver(t, "8021q") }

func viaHelper(t *testing.T) { requireVLAN(t) }

func TestDirect(t *testing.T) { nstest.RequireDriver(t, "dummy") }

func TestTwoHops(t *testing.T) { viaHelper(t) }

func TestInClosure(t *testing.T) {
	t.Run("x", func(t *testing.T) { nstest.RequireDriver(t, "ipvlan") })
}

func TestPlain(t *testing.T) { nstest.RequireRoot(t) }
`, 0o644)
	writeFile(t, filepath.Join(dir, "b_test.go"), "package p\n\nfunc TestOtherFile(t *testing.T) { requireVLAN(t) }\n", 0o644)
	writeFile(t, filepath.Join(dir, "c.go"), "package p\n\nfunc TestNotATestFile() { nstest.RequireDriver(nil, \"x\") }\n", 0o644)
	got, err := DriverTests(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TestDirect", "TestInClosure", "TestOtherFile", "TestTwoHops"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DriverTests = %q, want %q", got, want)
	}
	re := regexp.MustCompile(runPattern(got))
	if !re.MatchString("TestDirect") || re.MatchString("TestDirectly") || re.MatchString("TestPlain") {
		t.Errorf("runPattern %s selects the wrong tests", runPattern(got))
	}
}

func TestDriverTestsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := DriverTests(dir); err == nil || !strings.Contains(err.Error(), "finding the driver tests of "+dir+": no _test.go files") {
		t.Errorf("empty dir: error %v", err)
	}
	writeFile(t, filepath.Join(dir, "x_test.go"), "package p\nfunc (\n", 0o644)
	if _, err := DriverTests(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "x_test.go")) {
		t.Errorf("broken file: error %v, want one naming the file", err)
	}
}
