// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package sandbox

import "sort"

// DiffLines returns the lines only in was and the lines only in now (as
// multisets), each sorted.
func DiffLines(was, now []string) (gone, added []string) {
	count := map[string]int{}
	for _, l := range was {
		count[l]++
	}
	for _, l := range now {
		count[l]--
	}
	for l, c := range count {
		for ; c > 0; c-- {
			gone = append(gone, l)
		}
		for ; c < 0; c++ {
			added = append(added, l)
		}
	}
	sort.Strings(gone)
	sort.Strings(added)
	return gone, added
}
