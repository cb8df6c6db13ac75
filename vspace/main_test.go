// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package vspace

import (
	"testing"

	"github.com/vserverx/vserverx/testdata/nstest"
)

// TestMain runs the tests inside nstest's sandbox when they run as root, so
// that the scriptlet tests that enter a mount namespace of their own never
// start from this machine's.
func TestMain(m *testing.M) { nstest.Main(m) }
