package netns

import (
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

func TestTempNames(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := randomTempName()
		if len(n) > maxIfName || !strings.HasPrefix(n, tempPrefix) || seen[n] {
			t.Fatalf("temporary name %q: too long, wrong prefix or repeated", n)
		}
		seen[n] = true
	}
}

func TestVethHostName(t *testing.T) {
	def := &config.Namespace{Name: "a-very-long:name/x"}
	got := vethHostName(def, &config.Interface{Num: 255})
	if len(got) > maxIfName || strings.ContainsAny(got, ":/ ") || !strings.HasSuffix(got, "-255") {
		t.Errorf("derived host name %q: want ≤ 15 bytes, no ':' '/' ' ', ending -255", got)
	}
	if got := vethHostName(def, &config.Interface{Host: "fw-host"}); got != "fw-host" {
		t.Errorf("configured host name not used: %q", got)
	}
}
