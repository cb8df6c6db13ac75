// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"crypto/rand"
	"encoding/hex"
)

// tempPrefix starts every temporary name vserverx gives a link until it has
// its alias and final name: a link without the alias is
// recognisable as vserverx's by it, on both ends of a veth.
const tempPrefix = "vsxt"

// randomTempName returns tempPrefix and 10 random hex digits: 14 bytes
// (within config.MaxIfNameLen), and unique enough that two concurrent
// starts do not collide.
func randomTempName() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return tempPrefix + hex.EncodeToString(b)
}
