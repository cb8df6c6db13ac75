package main

import (
	"io"
	"strings"
	"testing"

	"github.com/vserverx/vserverx/config"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-n", "1,5", "-variants", "4veth,2macvlan", "-j", "1,8"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ns) != 2 || o.ns[1] != 5 || o.variants[0] != (variant{4, config.TypeVeth}) || o.variants[1] != (variant{2, config.TypeMacvlan}) || o.jobs[1] != 8 {
		t.Fatalf("parsed %+v", o)
	}
	for _, c := range []struct{ args, want string }{
		{"-n 1,x", `"x" is not a positive integer`},
		{"-n 0", `"0" is not a positive integer`},
		{"-variants 4vlan", "TYPE macvlan or veth"},
		{"-variants veth", "is not KTYPE"},
		{"-j 4,16", "the first value must be 1"},
		{"-reps 0", "want at least 1"},
		{"-guests 5 -groups 6", "groups <= guests"},
		{"extra", "unexpected arguments: extra"},
	} {
		_, err := parseFlags(strings.Fields(c.args), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error saying %q, got %v", c.args, c.want, err)
		}
	}
}
