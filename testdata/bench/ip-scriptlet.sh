#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ip-scriptlet.sh setup|teardown < SPEC
#
# The hand-written iproute2 scriptlet the benchmark races against: what administrators run
# today to prepare (setup) and remove (teardown) the network of guests, one
# named namespace each. vxbench (cmd/vxbench) times it against vserverx's
# engine and checks that both reach the same end state.
#
# SPEC, one item a line (what vxbench writes from the loaded confdir):
#   ns      NS
#   macvlan NS TMP NAME PARENT MAC
#   veth    NS TMP NAME MAC HOST HOSTMAC
# An interface line belongs to the namespace NS. TMP is the interface's
# name on the host before it moves into NS (NAME may be taken on the host,
# e.g. eth0), NAME its name inside, HOST and HOSTMAC the veth's host side.
#
# setup, per namespace:   ip netns add NS; ip netns exec NS ip link set lo up
#   macvlan:  ip link add link PARENT name TMP type macvlan mode bridge
#             ip link set TMP address MAC
#             ip link set TMP netns NS
#             ip netns exec NS ip link set TMP name NAME up
#   veth:     ip link add TMP type veth peer name HOST
#             ip link set TMP address MAC
#             ip link set HOST address HOSTMAC
#             ip link set HOST up
#             ip link set TMP netns NS
#             ip netns exec NS ip link set TMP name NAME up
# teardown: ip netns exec NS ip link del NAME (each interface), ip netns del NS
#
# The only addition to the commands administrators run is the rename inside (same
# `ip link set ... up` command), needed to reach vserverx's end state.
# Every command must succeed (set -e).
set -euo pipefail

setup() {
	while read -r kind a b c d e f; do
		case $kind in
		ns)
			ip netns add "$a"
			ip netns exec "$a" ip link set lo up
			;;
		macvlan) # NS TMP NAME PARENT MAC
			ip link add link "$d" name "$b" type macvlan mode bridge
			ip link set "$b" address "$e"
			ip link set "$b" netns "$a"
			ip netns exec "$a" ip link set "$b" name "$c" up
			;;
		veth) # NS TMP NAME MAC HOST HOSTMAC
			ip link add "$b" type veth peer name "$e"
			ip link set "$b" address "$d"
			ip link set "$e" address "$f"
			ip link set "$e" up
			ip link set "$b" netns "$a"
			ip netns exec "$a" ip link set "$b" name "$c" up
			;;
		*)
			echo "ip-scriptlet.sh: unknown spec line: $kind $a" >&2
			exit 2
			;;
		esac
	done
}

teardown() {
	local ns=""
	while read -r kind a b c _; do
		case $kind in
		ns)
			if [ -n "$ns" ]; then ip netns del "$ns"; fi
			ns=$a
			;;
		macvlan | veth)
			ip netns exec "$a" ip link del "$c"
			;;
		*)
			echo "ip-scriptlet.sh: unknown spec line: $kind $a" >&2
			exit 2
			;;
		esac
	done
	if [ -n "$ns" ]; then ip netns del "$ns"; fi
}

case ${1:-} in
setup) setup ;;
teardown) teardown ;;
*)
	echo "usage: ip-scriptlet.sh setup|teardown < SPEC" >&2
	exit 2
	;;
esac
