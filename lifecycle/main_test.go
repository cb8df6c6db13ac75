// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package lifecycle

import (
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestMain runs this package's tests in nstest's sandbox when root.
func TestMain(m *testing.M) { nstest.Main(m) }
