// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestTeardownFails: when the namespace cannot be torn down (a directory
// squats its name), the error names the namespace and the file once, the
// directory is left alone, and the lock is free again.
func TestTeardownFails(t *testing.T) {
	nstest.RequireRoot(t)
	env, out := sandboxEnv(t, soloGuest)
	warmNetnsDir(t)
	squat := filepath.Join(nstest.NetnsDir, "g")
	if err := os.Mkdir(squat, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(squat) })
	before := nstest.Snapshot(t)
	err := env.TeardownGuest(context.Background(), "g")
	if err == nil || !strings.HasPrefix(err.Error(), "teardown: network namespace g: "+squat+" is not a namespace file") {
		t.Fatalf("want a teardown error naming namespace g and %s, got %v", squat, err)
	}
	if strings.Count(err.Error(), "namespace g") != 1 {
		t.Errorf("the namespace is named more than once: %v", err)
	}
	if st, err := os.Stat(squat); err != nil || !st.IsDir() {
		t.Errorf("the directory %s was touched: %v", squat, err)
	}
	if strings.Contains(out.String(), "removed network namespace") {
		t.Errorf("claims a removal:\n%s", out)
	}
	l, err := AcquireLock(context.Background(), env.Paths.StateDir, "g", 0, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("the lock is still held: %v", err)
	}
	l.Release()
	nstest.AssertSame(t, before)
}
