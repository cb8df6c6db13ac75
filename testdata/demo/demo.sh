#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh BIN — what `sudo make demo` runs.
#
# Shows vserverx on a built-in example, entirely inside a throwaway network,
# mount and PID namespace: a veth pair stands in for the host's eth0, a tmpfs
# for /run, and the stand-in util-vserver of testdata/util-vserver for the
# real one (which needs a Linux-VServer kernel). Nothing on this machine is
# touched; everything disappears when the demo ends.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root to create network namespaces: run sudo make demo" >&2
	exit 1
fi
bin=$(realpath "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)

if [ -z "${VSERVERX_DEMO_SANDBOX:-}" ]; then
	exec unshare --net --mount --pid --fork --mount-proc --propagation private \
		env VSERVERX_DEMO_SANDBOX=1 VSERVERX_TEST_SANDBOX=1 bash "$0" "$@"
fi

# --- inside the throwaway namespaces ---------------------------------------
# The demo's files live on this tmpfs too: nothing reaches the host's disk,
# not even when the demo fails or is killed.
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
work=$(mktemp -d /run/vserverx-demo.XXXXXX)
ip link set lo up
ip link add eth0 type veth peer name eth0-peer
ip link set eth0 up
ip link set eth0-peer up

confdir=$work/vservers
mkdir -p "$confdir"
cp -a "$repo/testdata/confdirs/classic-macvlan/." "$repo/testdata/confdirs/dmz/." "$confdir/"
for g in fw web mail; do : >"$confdir/$g/fstab"; done
"$repo/testdata/util-vserver/mkvars" "$confdir" "$work/util-vserver" "$work/util-vserver-vars"
export UTIL_VSERVER_VARS=$work/util-vserver-vars
export STANDIN_HELPER_LINGER=0.2

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
vx() {
	printf '\033[36m$ vserverx %s\033[0m\n' "$*"
	"$bin" --confdir "$confdir" --util-vserver-vars "$UTIL_VSERVER_VARS" "$@"
}
run() {
	printf '\033[36m$ %s\033[0m\n' "$*"
	"$@"
}

say "The host: one NIC, eth0 (a veth standing in for it), no network namespaces"
run ip -br link show eth0
run ip netns list

say "The configuration (confdir $confdir)"
echo "Guest fw: a firewall alone in namespace fw, with a macvlan on eth0 (this kernel has"
echo "no 8021q; the classic setup uses a VLAN). Guests web and mail share namespace dmz."
(cd "$confdir" && find fw/context fw/spaces web/spaces mail/spaces .netns -type f | sort | while read -r f; do
	printf '  %-42s %s\n' "$f" "$(paste -sd' ' "$f")"
done)

say "check validates everything and changes nothing: fw is not set up yet"
vx fw check || true

say "setup installs the scriptlets util-vserver needs; check is then clean"
vx fw setup
vx web setup >/dev/null && vx mail setup >/dev/null && echo "(web and mail: set up too)"
vx fw check
vx web check

say "plan prints exactly what start will do"
vx fw plan

say "start fw: namespace, interface, then 'vserver fw start' inside it"
vx fw start
vx fw status
vx fw enter -- ip -br addr

say "start the dmz group: both guests share one namespace"
vx web start
vx mail start
run ip netns list
vx list
vx mail enter -- ip -br addr

say "stop web: dmz stays, mail still uses it"
vx web stop
say "stop mail: the last member, dmz goes"
vx mail stop
vx fw stop

say "Nothing is left: no namespace, no extra link"
run ip netns list
run ip -br link
vx list
echo
echo "Demo finished: the throwaway namespaces vanish now."
