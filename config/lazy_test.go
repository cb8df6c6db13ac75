// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package config

import (
	"github.com/vserverx/vserverx/config/configtest"
	"sort"
	"strings"
	"testing"
)

// TestLoadReadsOnlyWhatIsAsked: a question about guest g reads g, its
// group and its definition only; an unrelated broken guest and definition
// stay unread (and do not make g's check fail) until CheckAll reads them.
func TestLoadReadsOnlyWhatIsAsked(t *testing.T) {
	ifc := ".netns/bad/interfaces/0/"
	root := configtest.Confdir(t, map[string]string{
		"g/spaces/net": "app\n", "g/context": "5",
		"h/spaces/net": "app\n", "h/context": "6",
		".netns/app/id": "1", ".netns/bad/id": "2",
		"other/spaces/net": "bad\n", "other/context": "not a number",
		ifc + "type": "vlan", ifc + "link": "eth0", ifc + "vlan": "0",
		"plain/context": "9",
	})
	tree := loadTree(t, root)
	if ps := tree.Check("g"); len(ps) != 0 {
		t.Errorf("Check(g): %v", ps)
	}
	m, _ := tree.Guest("g")
	if grp := tree.GroupOf(m); grp == nil || strings.Join(grp.MemberNames(), ",") != "g,h" {
		t.Errorf("group of g: %+v", grp)
	}
	var read []string
	for name := range tree.byName {
		read = append(read, name)
	}
	sort.Strings(read)
	if got := strings.Join(read, ","); got != "g,h" {
		t.Errorf("guests read for a question about g: %s, want g,h", got)
	}
	if _, ok := tree.defs["bad"]; ok {
		t.Error("the unrelated definition .netns/bad was read")
	}
	all := tree.CheckAll()
	var files []string
	for _, p := range all {
		files = append(files, strings.TrimPrefix(p.File, root+"/"))
	}
	if got, want := strings.Join(files, " "), "other/context "+ifc+"vlan"; got != want {
		t.Errorf("CheckAll names %s, want %s", got, want)
	}
}
