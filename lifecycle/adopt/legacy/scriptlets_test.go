// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"errors"
	"reflect"
	"testing"

	"github.com/vserverx/vserverx/config"
	"github.com/vserverx/vserverx/config/configtest"
)

// commonShape is the usual hand-written namespace scriptlet: helper
// functions, a test of the guest name, a VLAN with a
// computed MAC, and a rewrite of VSPACE_SHARED_CMD in a while loop.
const commonShape = `#!/bin/bash
# network namespace for this guest
_HIP=/sbin/ip
NS=$2

usesipnetns() {
    [ "$(cat /etc/vservers/$2/spaces/net 2>/dev/null)" = "$2" ]
}

mkmac() {
    printf '02:%02x:%02x:%02x:%02x:%02x\n' $(($1 >> 8)) $(($1 & 255)) $(($2 >> 8)) $(($2 & 255)) $3
}

case "$1" in
    pre-start)
        if [ "$2" = fw ]; then
            $_HIP netns add "$NS"
            $_HIP netns exec "$NS" ip link set dev lo up
            ${_HIP} link add link eth0 name vlan2 type vlan id 2
            $_HIP link set dev vlan2 address $(mkmac 2 $(cat /etc/vservers/$2/context) 0)
            $_HIP link set dev vlan2 netns $NS
            $_HIP -n $NS link set dev vlan2 name fw-vlan2
            $_HIP -n $NS addr add 192.0.2.2/24 dev fw-vlan2
            $_HIP -n $NS link set dev fw-vlan2 up
            $_HIP netns exec $NS ip route add default via 192.0.2.1 dev fw-vlan2
        fi
        ;;
    post-stop|postpost-stop)
        $_HIP -n $NS link del fw-vlan2 2>/dev/null || true
        $_HIP netns delete $NS
        ;;
esac
`

// vspaceRewrite is the sourced prepre-start scriptlet that drops the
// "--enter X --net --" words (what vserverx does itself).
const vspaceRewrite = `if usesipnetns; then :; fi
declare -a _new=()
i=0
while [ $i -lt ${#VSPACE_SHARED_CMD[@]} ]; do
    if [ "${VSPACE_SHARED_CMD[$i]}" = "--enter" ] && [ "${VSPACE_SHARED_CMD[$((i+1))]}" = "$2" ]; then
        i=$((i+5))
        continue
    fi
    _new+=("${VSPACE_SHARED_CMD[$i]}")
    i=$((i+1))
done
VSPACE_SHARED_CMD=("${_new[@]}")
unset _new
`

func TestCommonShape(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{
		"fw/context":                    "42\n",
		"fw/scripts/pre-start":          commonShape,
		"fw/scripts/post-stop":          "->pre-start",
		"fw/scripts/prepre-start.d/ns":  vspaceRewrite,
		"fw/scripts/post-start.d/mount": "mount --bind /srv/a /srv/b\n# ip is not used here\n",
	})
	p, err := ReadScriptlets(dir, "fw")
	if err != nil {
		t.Fatal(err)
	}
	want := []ProposedInterface{{Num: 0, Type: config.TypeVLAN, Link: "eth0", Name: "fw-vlan2", VLAN: 2,
		IPs: []string{"192.0.2.2/24"}, Gateways: []string{"192.0.2.1"}, From: dir + "/fw/scripts/pre-start:19", IDMAC: dir + "/fw/scripts/pre-start:20"}}
	if !reflect.DeepEqual(p.Interfaces, want) {
		t.Errorf("interfaces:\n got %+v\nwant %+v", p.Interfaces, want)
	}
	if p.NS != "fw" || p.NSFrom != dir+"/fw/scripts/pre-start:17" || p.HasID {
		t.Errorf("NS %q from %q (id %v), want fw from pre-start:17 and no id (guest fw's context supplies it)", p.NS, p.NSFrom, p.HasID)
	}
	wantSources := []string{dir + "/fw/scripts/prepre-start.d/ns", dir + "/fw/scripts/pre-start", dir + "/fw/scripts/post-stop"}
	if !reflect.DeepEqual(p.Sources, wantSources) {
		t.Errorf("sources %q, want %q (the mount scriptlet is left alone)", p.Sources, wantSources)
	}
	if !containsText(p.Notes, "computed by a command") {
		t.Errorf("notes %q lack the computed MAC", p.Notes)
	}
}

func containsText(list []string, s string) bool {
	for _, l := range list {
		if contains(l, s) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub))
}

func TestNoScriptlets(t *testing.T) {
	dir := configtest.Confdir(t, map[string]string{"g/scripts/pre-start": "echo hello\n", "g/context": "3\n"})
	if _, err := ReadScriptlets(dir, "g"); !errors.Is(err, ErrNone) {
		t.Errorf("error = %v, want ErrNone", err)
	}
}
