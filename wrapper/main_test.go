// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package wrapper_test

import (
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestMain runs this package's tests in nstest's sandbox when root. It is
// shared by every _test.go file of package wrapper_test.
func TestMain(m *testing.M) { nstest.Main(m) }
