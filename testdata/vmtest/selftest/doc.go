// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

// Package selftest holds the test VM's own proof (see testdata/vmtest): tests
// that need the 8021q, dummy and ipvlan drivers, which the build machines'
// kernel lacks, and check the kernel's own view of what netlink created
// (link attributes read back, /proc/net/vlan/config, iproute2's ip as a
// witness).
//
// Outside the VM they skip, naming the missing driver; inside it they must
// run and pass (testdata/vmtest.TestVM fails on a skip there).
package selftest
