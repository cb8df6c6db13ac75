// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package netns

import (
	"strings"
	"testing"
)

func TestParseMountinfo(t *testing.T) {
	text := "36 35 98:0 /mnt1 /run/net\\040ns rw,noatime master:1 shared:7 - ext3 /dev/root rw\n" +
		"37 35 0:4 net:[4026532] /run/netns/fw rw - nsfs nsfs rw\n"
	es, err := parseMountinfo(text)
	if err != nil || len(es) != 2 {
		t.Fatalf("parseMountinfo: %v %v", es, err)
	}
	if es[0].Point != "/run/net ns" || !es[0].Shared || !es[0].Slave || es[0].FSType != "ext3" {
		t.Errorf("first entry %+v", es[0])
	}
	if es[1].Point != "/run/netns/fw" || es[1].Shared || es[1].FSType != "nsfs" {
		t.Errorf("second entry %+v", es[1])
	}
	if _, err := parseMountinfo("1 2 3\n"); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("malformed line accepted: %v", err)
	}
}
