// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"errors"
	"github.com/vserverx/vserverx/config/configtest"
	"reflect"
	"testing"
)

func TestUtilNetnsUnderstood(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		ns       string
		want     []string
		shared   bool
		defaults bool
		sources  []string // relative to the confdir
	}{
		{"guest netns/ with defaults: gethK, veth + context", map[string]string{
			"g/context": "7\n", "g/netns/interfaces/0/": "", "g/netns/interfaces/1/guest": "lan\n", "g/netns/interfaces/1/host": "hlan\n"},
			"g", []string{"0 geth0 type veth host veth7", "1 lan type veth host hlan"}, false, false, []string{"g/netns"}},
		{"name file, macvlan, K counts every entry in byte order", map[string]string{
			"g/context": "7\n", "g/netns/name": "zone\n",
			"g/netns/interfaces/b/type": "macvlan\n", "g/netns/interfaces/a/host": "vh\n", "g/netns/interfaces/.keep": ""},
			"zone", []string{"0 geth0 type veth host vh", "1 geth1 type macvlan link eth0 mode bridge"}, false, false, []string{"g/netns"}},
		{"a type file outside interfaces/N is not read", map[string]string{
			"g/context": "7\n", "g/netns/interfaces/0/host": "bond0\n", ".defaults/netns/interfaces/x/": "", "g/netns/type": "macvlan\n"},
			"g", []string{"0 geth0 type veth host bond0"}, false, false, []string{"g/netns"}},
		{"ncontext before context", map[string]string{
			"g/context": "7\n", "g/ncontext": "9\n", "g/netns/interfaces/0/": ""},
			"g", []string{"0 geth0 type veth host veth9"}, false, false, []string{"g/netns"}},
		{".defaults/netns for a custom guest name", map[string]string{
			"web-1/context": "12\n", ".defaults/netns/interfaces/0/guest": "eth0\n"},
			"web-1", []string{"0 eth0 type veth host veth12"}, false, true, nil},
		{"shared: only spaces/net", map[string]string{
			"g/netns/name": "zone\n", "g/netns/shared": "", "g/netns/interfaces/0/": ""},
			"zone", nil, true, false, []string{"g/netns"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := configtest.Confdir(t, tc.files)
			guest := "g"
			if tc.ns == "web-1" {
				guest = "web-1"
			}
			p, err := ReadUtilNetns(dir, guest)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(p); p.NS != tc.ns || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("namespace %q, interfaces %q; want %q, %q", p.NS, got, tc.ns, tc.want)
			}
			if p.SharedOnly != tc.shared || p.DisableDefaults != tc.defaults {
				t.Errorf("shared %v, defaults %v; want %v, %v", p.SharedOnly, p.DisableDefaults, tc.shared, tc.defaults)
			}
			var want []string
			for _, s := range tc.sources {
				want = append(want, dir+"/"+s)
			}
			if !reflect.DeepEqual(p.Sources, want) {
				t.Errorf("sources %q, want %q", p.Sources, want)
			}
			if tc.defaults && !containsText(p.Notes, "only guest web-1 is adopted") {
				t.Errorf("notes %q lack that other guests use .defaults/netns", p.Notes)
			}
		})
	}
}

func TestUtilNetnsNone(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no netns/":                     {"g/context": "1\n"},
		"nonetns hides .defaults/netns": {"g/nonetns": "", ".defaults/netns/interfaces/0/": ""},
		"netns is a file":               {"g/netns": "x\n"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ReadUtilNetns(configtest.Confdir(t, files), "g"); !errors.Is(err, ErrNone) {
				t.Errorf("error = %v, want ErrNone", err)
			}
		})
	}
}

func TestUtilNetnsRefused(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		file  string
		msg   string
	}{
		{"other type", map[string]string{"g/context": "1\n", "g/netns/interfaces/0/type": "vlan\n"},
			"g/netns/interfaces/0/type", "only veth and macvlan"},
		{"plain file in interfaces/", map[string]string{"g/context": "1\n", "g/netns/interfaces/type": "macvlan\n"},
			"g/netns/interfaces/type", "is not a directory"},
		{"veth without host name or context", map[string]string{"g/netns/interfaces/0/": ""},
			"g/netns/interfaces/0/host", "no ncontext or context file"},
		{"guest name too long", map[string]string{"g/context": "1\n", "g/netns/interfaces/0/guest": "a-very-long-interface\n"},
			"g/netns/interfaces/0/guest", "bytes long"},
		{"guest name lo", map[string]string{"g/context": "1\n", "g/netns/interfaces/0/guest": "lo\n"},
			"g/netns/interfaces/0/guest", "loopback"},
		{"namespace name with a slash", map[string]string{"g/netns/name": "a/b\n"},
			"g/netns/name", "contains '/'"},
		{"context not a number for a namespace of another name", map[string]string{"g/context": "x\n", "g/netns/name": "zone\n"},
			"g/context", "not a context id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := configtest.Confdir(t, tc.files)
			_, err := ReadUtilNetns(dir, "g")
			wantRefusal(t, err, dir, tc.file, 0, tc.msg)
		})
	}
}
