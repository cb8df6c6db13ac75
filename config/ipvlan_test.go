package config

import (
	"testing"

	"github.com/vserverx/vserverx/config/configtest"
)

// TestIPVlan: an ipvlan gets mode l2 and flags bridge by default, the
// configured ones otherwise, and no MAC of its own (not even a generated
// one, so it needs no namespace id).
func TestIPVlan(t *testing.T) {
	root := configtest.Confdir(t, map[string]string{
		"g/spaces/net":                "n\n",
		".netns/n/interfaces/0/type":  "ipvlan\n",
		".netns/n/interfaces/0/link":  "eth0\n",
		".netns/n/interfaces/1/type":  "ipvlan\n",
		".netns/n/interfaces/1/link":  "eth0\n",
		".netns/n/interfaces/1/mode":  "l3s\n",
		".netns/n/interfaces/1/flags": "private\n",
	})
	tree := loadTree(t, root)
	if ps := tree.CheckGroup("n"); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	ifs := tree.Group("n").NS.Interfaces
	for i, want := range []struct {
		mode IPVlanMode
		flag IPVlanFlag
	}{{IPVlanL2, IPVlanBridge}, {IPVlanL3S, IPVlanPrivate}} {
		ifc := ifs[i]
		if ifc.Type != TypeIPVlan || ifc.IPVlanMode != want.mode || ifc.IPVlanFlag != want.flag || ifc.MAC != nil || ifc.MACAuto || ifc.Mode != "" {
			t.Errorf("interface %d: %+v, want mode %s flags %s and no MAC", i, ifc, want.mode, want.flag)
		}
	}
}
