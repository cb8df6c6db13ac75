// Copyright 2026 The vserverx Authors
// SPDX-License-Identifier: Apache-2.0

package legacy

import (
	"fmt"
	"github.com/vserverx/vserverx/config/configtest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// summary describes the interfaces of p in one line each.
func summary(p *Proposal) []string {
	var out []string
	for _, i := range p.Interfaces {
		s := fmt.Sprintf("%d %s %s", i.Num, i.Name, i.settings())
		if len(i.IPs) > 0 {
			s += " ip " + strings.Join(i.IPs, ",")
		}
		if len(i.Gateways) > 0 {
			s += " gw " + strings.Join(i.Gateways, ",")
		}
		out = append(out, s)
	}
	return out
}

func TestScriptletsUnderstood(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // relative to CONFDIR/g/scripts
		ns    string
		want  []string
		id    int // 0: no id file
	}{
		{"veth with bridge, gateway found by its address", map[string]string{"pre-start": `
ip netns add g
ip link add name vh-g type veth peer name vg-g
ip link set vh-g master br0
ip link set vh-g up
ip link set vg-g netns g
ip netns exec g ip link set dev vg-g name eth0
ip netns exec g ip addr add 10.1.0.2/24 dev eth0
ip netns exec g ip route add default via 10.1.0.1
`}, "g", []string{"0 eth0 type veth host vh-g bridge br0 ip 10.1.0.2/24 gw 10.1.0.1"}, 0},

		{"macvlan with a constant MAC in a namespace of another name", map[string]string{"pre-start": `
/sbin/ip netns add zone2
/sbin/ip link add link bond0 name mv0 type macvlan mode private
/sbin/ip link set dev mv0 address 02:00:00:00:00:99
/sbin/ip link set dev mv0 netns zone2 ; /sbin/ip -n zone2 link set dev mv0 up
`}, "zone2", []string{"0 mv0 type macvlan link bond0 mode private mac 02:00:00:00:00:99"}, 7},

		{"phys device moved in, IPv6 with a link-local gateway", map[string]string{"pre-start": `
ip link set eth3 netns g
ip -n g link set eth3 name lan
ip -n g addr add 2001:db8::2/64 dev lan
ip -6 -n g route add default via fe80::1 dev lan
`}, "g", []string{"0 lan type phys link eth3 ip 2001:db8::2/64 gw fe80::1"}, 0},

		{"numbered in order of appearance, bare address, mtu", map[string]string{"pre-start": `
ip link add link eth0 name b type vlan id 20
ip link add link eth0 name a type vlan id 10
ip link set a netns g
ip link set b netns g mtu 1400
ip -n g addr add 192.0.2.9 dev a
`}, "g", []string{"0 b type vlan link eth0 vlan 20 mtu 1400", "1 a type vlan link eth0 vlan 10 ip 192.0.2.9/32"}, 0},

		{"guest name as ${2} and $VSERVER_NAME, a function called with \"$@\", an if decided by the scriptlet, local", map[string]string{"pre-start": `
setup() {
	local ns=${2}
	if [ "$ns" != g ]; then
		ip netns add other
	elif [ -n "$VSERVER_NAME" ]; then
		ip netns add "$VSERVER_NAME"
	else
		ip netns add third
	fi
	ip link add link eth0 name "v-$ns" type vlan id 5
	ip link set dev "v-$ns" netns "$ns"
}
function teardown {
	ip netns del $2
}
case $1 in
  (pre-start) setup "$@" ;;
  (post-stop) teardown ;;
esac
`}, "g", []string{"0 v-g type vlan link eth0 vlan 5"}, 0},

		{"the phase test util-vserver's scriptlets use, in two files", map[string]string{
			"pre-start.d/10": "[ \"$1\" = pre-start ] || exit 0\nip link add link eth0 name v2 type vlan id 2\nip link set v2 netns g\n",
			"pre-start.d/20": "test \"$1\" != pre-start && exit 0\nip -n g addr add 192.0.2.2/24 dev v2\n",
		}, "g", []string{"0 v2 type vlan link eth0 vlan 2 ip 192.0.2.2/24"}, 0},

		{"a branch decided false, a function called with arguments, the first matching case label", map[string]string{"pre-start": `
if false; then
	ip link add link eth0 name never type vlan id 9
fi
mk() { ip link add link eth0 name v$1 type vlan id $1; ip link set v$1 netns $2; }
case $1 in
  pre-*) mk 3 g ;;
  pre-start) mk 4 g ;;
esac
`}, "g", []string{"0 v3 type vlan link eth0 vlan 3"}, 0},

		{"split over several files and phases, symlinked stop", map[string]string{
			"pre-start.d/10-link": "ip link add link eth1 name v7 type vlan id 7\nip link set dev v7 netns g\n",
			"pre-start.d/20-addr": "ip netns exec g ip addr add 198.51.100.7/25 brd + dev v7 >/dev/null 2>&1\n",
			"post-stop.d/90-down": "ip -n g link delete v7 || true\nip netns delete g\n",
			"post-stop.d/91-down": "->../../../.shared/netdown",
		}, "g", []string{"0 v7 type vlan link eth1 vlan 7 ip 198.51.100.7/25"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"g/context": "7\n", ".shared/netdown": "ip -n $2 link del v7\n"}
			for rel, c := range tc.files {
				files["g/scripts/"+rel] = c
			}
			dir := configtest.Confdir(t, files)
			p, err := ReadScriptlets(dir, "g")
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(p); p.NS != tc.ns || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("namespace %q, interfaces\n%q\nwant %q\n%q", p.NS, got, tc.ns, tc.want)
			}
			if p.HasID != (tc.id != 0) || p.ID != tc.id {
				t.Errorf("id %d (%v), want %d", p.ID, p.HasID, tc.id)
			}
			if len(p.Sources) != len(tc.files) {
				t.Errorf("sources %q, want one per file", p.Sources)
			}
		})
	}
}

func TestScriptletsRefused(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // relative to CONFDIR/g/scripts
		file  string            // where the refusal is, relative to CONFDIR/g/scripts
		line  int
		msg   string
	}{
		{"another command", map[string]string{"pre-start": "ip netns add g\necho starting\n"},
			"pre-start", 2, `command "echo" is not understood`},
		{"unknown variable", map[string]string{"pre-start": "ip netns add g\nip link add link $PARENT name v type vlan id 2\n"},
			"pre-start", 2, "variable $PARENT is not understood"},
		{"namespace name not constant", map[string]string{"pre-start": "ip netns add $(cat /etc/vservers/$2/name)\n"},
			"pre-start", 1, "computed at run time"},
		{"unknown link type", map[string]string{"pre-start": "ip link add name br9 type bridge\n"},
			"pre-start", 1, `link type "bridge" is not understood`},
		{"two namespaces", map[string]string{"pre-start": "ip netns add g\n", "pre-start.d/x": "\n\nip netns add other\n"},
			"pre-start.d/x", 3, `namespace "other" differs from namespace "g" at `},
		{"address on the host", map[string]string{"pre-start": "ip link add link eth0 name v type vlan id 2\nip addr add 192.0.2.2/24 dev v\nip link set v netns g\n"},
			"pre-start", 2, "on the host"},
		{"link never moved in", map[string]string{"pre-start": "ip netns add g\n\nip link add link eth0 name v type vlan id 2\n"},
			"pre-start", 3, "never moved into namespace g"},
		{"route word the routes file does not know", map[string]string{"pre-start": "ip netns add g\nip -n g route add 10.0.0.0/8 via 192.0.2.1 proto static\n"},
			"pre-start", 2, `"proto" is not understood (the routes file knows: dev, metric, mtu, onlink, src, table, via)`},
		{"route on the host", map[string]string{"pre-start": "ip netns add g\nip route add 10.0.0.0/8 via 192.0.2.1\n"},
			"pre-start", 2, "adds a route on the host"},
		{"route via a device not in the namespace", map[string]string{"pre-start": "ip netns add g\nip -n g route add 10.0.0.0/8 dev eth9\n"},
			"pre-start", 2, "device eth9 is not in namespace g"},
		{"vlan created inside the namespace", map[string]string{"pre-start": "ip -n g link add link eth0 name v type vlan id 2\n"},
			"pre-start", 1, "creates v inside namespace g"},
		{"same device, other settings in another file", map[string]string{
			"pre-start.d/a": "ip link add link eth0 name v type vlan id 2\nip link set v netns g\n",
			"pre-start.d/b": "ip link add link eth0 name w type vlan id 3\nip link set w netns g\nip -n g link set w name v\n"},
			"pre-start.d/b", 3, "pre-start.d/a:1"},
		{"unconditional exit 1", map[string]string{"pre-start": "ip netns add g\nexit 1\n"},
			"pre-start", 2, "ends the scriptlet with an error"},
		{"unterminated quote", map[string]string{"pre-start": "ip netns add g\nip link add 'v\n"},
			"pre-start", 2, "unterminated single quote"},
		{"ip subcommand not understood", map[string]string{"pre-start": "ip netns add g\nip -n g addr flush dev lo\n"},
			"pre-start", 2, "only add is understood here, not flush"},
		{"loop variable", map[string]string{"pre-start": "for v in 2 3; do\n  ip link add link eth0 name vlan$v type vlan id $v\ndone\n"},
			"pre-start", 2, "inside the for loop at line 1"},
		{"device not in the namespace", map[string]string{"pre-start": "ip netns add g\nip -n g addr add 10.0.0.2/24 dev nosuch\n"},
			"pre-start", 2, "device nosuch is not in namespace g"},
		{"complex parameter expansion", map[string]string{"pre-start": "ip netns add ${NS:-g}\n"},
			"pre-start", 1, "parameter expansion ${NS:-g} is not understood"},
		{"change to a host device it does not own", map[string]string{"pre-start": "ip link set eth3 address $(mkmac 0 7 0)\nip link set eth3 netns g\n"},
			"pre-start", 1, "changes host device eth3"},
		{"computed MAC of a phys device", map[string]string{"pre-start": "ip link set eth3 netns g\nip -n g link set eth3 address $(mkmac 0 7 0)\n"},
			"pre-start", 1, "for a phys device vserverx keeps its address"},
		{"veth host side with its own MAC", map[string]string{"pre-start": "ip link add name h type veth peer name i\nip link set h address 02:00:00:00:00:01\nip link set i netns g\n"},
			"pre-start", 1, "sets the MAC of the veth host side h"},
		{"netns exec of another program", map[string]string{"pre-start": "ip netns exec g sh -c 'ip link set lo up'\n"},
			"pre-start", 1, "runs sh; only ip commands and nft -f FILE are understood"},
		{"ip option", map[string]string{"pre-start": "ip -b /tmp/batch\n"},
			"pre-start", 1, "ip option -b is not understood"},
		{"link add without type", map[string]string{"pre-start": "ip link add name d0\n"},
			"pre-start", 1, "the link type is missing"},
		{"vlan without parent", map[string]string{"pre-start": "ip link add name v type vlan id 2\n"},
			"pre-start", 1, "a vlan needs its parent"},
		{"vlan id out of range", map[string]string{"pre-start": "ip link add link eth0 name v type vlan id 5000\n"},
			"pre-start", 1, `VLAN id "5000" is not a number 1–4094`},
		{"macvlan mode unknown", map[string]string{"pre-start": "ip link add link eth0 name m type macvlan mode source\n"},
			"pre-start", 1, `macvlan mode "source"`},
		{"explicit broadcast", map[string]string{"pre-start": "ip link set eth3 netns g\nip -n g addr add 10.0.0.2/24 brd 10.0.0.127 dev eth3\n"},
			"pre-start", 2, "explicit broadcast address 10.0.0.127"},
		{"gateway without dev, no address holds it", map[string]string{"pre-start": "ip link set eth3 netns g\nip -n g route add default via 10.9.9.1\n"},
			"pre-start", 2, "name it with dev D"},
		{"default route on the host", map[string]string{"pre-start": "ip route add default via 10.9.9.1\n"},
			"pre-start", 1, "default route on the host"},
		{"environment in front of a command", map[string]string{"pre-start": "LC_ALL=C ip netns add g\n"},
			"pre-start", 1, `command "LC_ALL=C" is not understood`},
		{"here document", map[string]string{"pre-start": "ip -batch - <<EOF\nnetns add g\nEOF\n"},
			"pre-start", 1, "here documents"},
		{"unmatched fi", map[string]string{"pre-start": "ip netns add g\nfi\n"},
			"pre-start", 2, "fi without a matching opening"},
		{"function body not in braces", map[string]string{"pre-start": "ip netns add g\nf() ( ip link set lo up )\n"},
			"pre-start", 2, "must be in braces"},
		{"device moved out again", map[string]string{"pre-start": "ip link set eth3 netns g\nip -n g link set eth3 netns other\n"},
			"pre-start", 2, "moves eth3 out of namespace g"},
		{"inside device attached to a bridge", map[string]string{"pre-start": "ip link set eth3 netns g\nip -n g link set eth3 master br0\n"},
			"pre-start", 1, "attached to bridge br0 inside the namespace"},
		{"rename onto a used name", map[string]string{"pre-start": "ip link set eth3 netns g\nip link set eth4 netns g\nip -n g link set eth4 name eth3\n"},
			"pre-start", 3, "renames eth4 to eth3"},
		{"recursive function", map[string]string{"pre-start": "f() {\n  f\n}\nip netns add g\nf\n"},
			"pre-start", 2, "nested deeper than 8 calls"},
		{"unset variable", map[string]string{"pre-start": "NS=g\nunset NS\nip netns add $NS\n"},
			"pre-start", 3, "$NS is unset"},
		{"variable from a command", map[string]string{"pre-start": "NS=$(hostname)\nip netns add $NS\n"},
			"pre-start", 2, "computed at run time"},
		{"ip addr show", map[string]string{"pre-start": "ip netns add g\nip -n g address show\n"},
			"pre-start", 2, "not show"},
		{"inside an if the scriptlet cannot decide", map[string]string{"pre-start": "ip netns add g\nif [ -e /run/netns/g ]; then\n  :\nelse\n  ip link set eth3 netns g\nfi\n"},
			"pre-start", 5, `inside the if at line 2, whose condition "if [ -e /run/netns/g ]" cannot be decided`},
		{"both branches of an if", map[string]string{"pre-start": "if grep -q x /etc/hosts; then\n  ip link set eth3 netns g\nelse\n  ip link set eth4 netns g\nfi\n"},
			"pre-start", 2, "inside the if at line 1"},
		{"after an exit 0", map[string]string{"pre-start": "ip link set eth3 netns g\nexit 0\nip link set eth4 netns g\n"},
			"pre-start", 3, "after the exit at line 2, which always ends the scriptlet before"},
		{"after a conditional return", map[string]string{"pre-start": "ip link set eth3 netns g\n[ -e /run/netns/g ] && return\nip link set eth4 netns g\n"},
			"pre-start", 3, `after "return" at line 2, which may end the run before (on a side of && or || at line 2`},
		{"the left side of ||", map[string]string{"pre-start": "ip netns add g || exit 1\n"},
			"pre-start", 1, "on a side of && or || at line 1"},
		{"the right side of &&", map[string]string{"pre-start": "ip netns add g\nip link add link eth0 name v type vlan id 2 && ip link set v netns g\n"},
			"pre-start", 2, "on a side of && or || at line 2"},
		{"inside a while loop", map[string]string{"pre-start": "ip netns add g\nwhile read dev; do\n  ip link set eth3 netns g\ndone < /etc/devs\n"},
			"pre-start", 3, "inside the while loop at line 2"},
		{"inside a function never called", map[string]string{"pre-start": "ip netns add g\nup() {\n  ip link set eth3 netns g\n}\n"},
			"pre-start", 3, "in function up (line 2), which the scriptlet never calls"},
		{"an ip command as a condition", map[string]string{"pre-start": "if ip netns add g; then\n  :\nfi\n"},
			"pre-start", 1, "inside the if at line 1"},
		{"two ip link add of the same name", map[string]string{"pre-start": "ip link add link eth0 name v type vlan id 2\nip link set v netns g\nip link add link eth0 name v type vlan id 2\n"},
			"pre-start", 3, "v is created a second time; it was first created at"},
		{"two ip link add of the same name in two files", map[string]string{
			"pre-start.d/a": "ip link add link eth0 name v type vlan id 2\nip link set v netns g\n",
			"pre-start.d/b": "ip -n g link del v\nip link add link eth0 name v type vlan id 2\n"},
			"pre-start.d/b", 2, "pre-start.d/a:1"},
		{"if block never closed", map[string]string{"pre-start": "ip netns add g\nif true; then\n  ip -n g link set lo up\n"},
			"pre-start", 2, "if is never closed by fi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"g/context": "7\n"}
			for rel, c := range tc.files {
				files["g/scripts/"+rel] = c
			}
			dir := configtest.Confdir(t, files)
			p, err := ReadScriptlets(dir, "g")
			if err == nil {
				t.Fatalf("understood: %q", summary(p))
			}
			wantRefusal(t, err, dir, filepath.Join("g/scripts", tc.file), tc.line, tc.msg)
		})
	}
}

func TestScriptletLinkOutsideConfdir(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "net.sh")
	dir := configtest.Confdir(t, map[string]string{"g/scripts/pre-start": "->" + outside})
	if err := writeFile(outside, "ip netns add g\n"); err != nil {
		t.Fatal(err)
	}
	_, err := ReadScriptlets(dir, "g")
	wantRefusal(t, err, dir, "g/scripts/pre-start", 0, "outside the confdir")
}
