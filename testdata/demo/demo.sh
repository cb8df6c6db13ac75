#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh BIN — what `sudo make demo` runs.
#
# Shows vserverx on a built-in example, entirely inside a throwaway network,
# mount and PID namespace: a veth pair stands in for the host's eth0, a tmpfs
# for /run, and the stand-in util-vserver of testdata/util-vserver for the
# real one (which needs a Linux-VServer kernel). Nothing on this machine is
# touched; everything disappears when the demo ends.
#
# Colour only on a terminal, and never with NO_COLOR set (no-color.org).
# What the demo says about this machine (whether the kernel makes VLAN
# devices, where an address comes from, which processes live in a
# namespace) it measures as it goes.
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
# The host's mounts on and below /run (ip netns add makes /run/netns one)
# go first, this mount namespace's copies only (it is private: the host
# keeps its own); under the new tmpfs they would still be listed, and
# util-vserver's namespace cleanup would try to unmount them.
awk '$5 == "/run" || $5 ~ "^/run/" {print $5}' /proc/self/mountinfo | sort -r |
	while read -r m; do umount -l "$m" 2>/dev/null || true; done
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

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
	bold=$'\033[1m' cmdc=$'\033[36m' reset=$'\033[0m'
else
	bold= cmdc= reset=
fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$reset"; }
note() { local l; for l in "$@"; do if [ -n "$l" ]; then printf '   %s\n' "$l"; else echo; fi; done; }
vx() {
	printf '%s$ vserverx %s%s\n' "$cmdc" "$*" "$reset"
	"$bin" --confdir "$confdir" --util-vserver-vars "$UTIL_VSERVER_VARS" "$@"
}
run() {
	printf '%s$ %s%s\n' "$cmdc" "$*" "$reset"
	"$@"
}

# vlan_probe tries to make an 802.1Q device on eth0; it prints the
# kernel's refusal when it cannot.
vlan_probe() {
	local err
	if err=$(ip link add link eth0 name vlanprobe type vlan id 2 2>&1); then
		ip link del vlanprobe
		return 0
	fi
	printf '%s' "$err"
	return 1
}

# use_vlan turns guest fw's macvlan into VLAN 2 on eth0, the classic setup.
use_vlan() {
	local d=$confdir/.netns/fw/interfaces/0
	echo vlan >"$d/type"
	echo 2 >"$d/vlan"
	echo fw-vlan2 >"$d/name"
}

# show_files prints each file under the confdir and its content on one line.
show_files() {
	(cd "$confdir" && find "$@" -type f ! -name .keep | sort | while read -r f; do
		printf '  %-42s %s\n' "$f" "$(paste -sd' ' "$f")"
	done)
}

# origin prints which configuration file an address of namespace NS comes
# from, and who adds it: vserverx (the namespace's definition) or
# util-vserver (a member's own interfaces/, applied inside NS at its start).
origin() {
	local ns=$1 addr=$2 ip=${2%/*} f
	case $ip in fe80:*)
		echo "IPv6 link-local: the kernel made it from the interface's MAC"; return ;;
	esac
	for f in "$confdir"/.netns/"$ns"/interfaces/*/ip; do
		grep -qx "$addr" "$f" && { echo "${f#"$confdir"/}: vserverx adds it before the guests start"; return; }
	done
	for f in "$confdir"/*/interfaces/*/ip; do
		[ "$(cat "$(dirname "$f")/../../spaces/net" 2>/dev/null)" = "$ns" ] || continue
		grep -qx "$ip" "$f" && { echo "${f#"$confdir"/}: util-vserver adds it, inside $ns, when guest $(basename "$(dirname "$(dirname "$(dirname "$f")")")") starts"; return; }
	done
	echo "not in the configuration"
}

# show_origins lists every global address in namespace NS with its origin.
show_origins() {
	local ns=$1 dev addr
	note "Where each address in $ns comes from:"
	ip -n "$ns" -o addr show | awk '$2 != "lo" {print $2, $4}' | while read -r dev addr; do
		note "  $dev $addr  <- $(origin "$ns" "$addr")"
	done
}

# helpers prints the pids of util-vserver's lock helpers (the stand-in
# records them in its lock directory, one file per guest).
lockdir=$(. "$UTIL_VSERVER_VARS" && echo "$__LOCKDIR")
helpers() { cat "$lockdir"/vserver.*.helper 2>/dev/null || true; }

# pids_of prints the processes of namespace NS as "PID (COMMAND)".
pids_of() {
	local pid out= what
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		what=$(cat /proc/"$pid"/comm 2>/dev/null || echo gone)
		helpers | grep -qx "$pid" && what+=", util-vserver's lock helper"
		out+="$pid ($what) "
	done
	out=${out% }
	echo "${out:-none}"
}

# settle waits (up to 3 s) until util-vserver's short-lived lock helpers
# have left namespace NS, and says how long that took, so that the process
# counts below are the guests' own.
settle() {
	local ns=$1 t0 i
	t0=$(date +%s%N)
	for i in $(seq 30); do
		pids_of "$ns" | grep -q "lock helper" || break
		sleep 0.1
	done
	[ "$i" = 1 ] || note "(util-vserver's lock helper left namespace $ns $(( ($(date +%s%N) - t0) / 1000000 )) ms after the command returned)"
}

links_before=$(ip -br link | awk '{print $1}' | sort | paste -sd' ')

say "The host: one NIC, eth0 (a veth standing in for it), no network namespaces"
run ip -br link show eth0
run ip netns list
if err=$(vlan_probe); then
	use_vlan
	note "This kernel makes 802.1Q VLAN devices (a probe, ip link add link eth0 type vlan id 2, worked):" \
		"guest fw gets VLAN 2 on eth0, as on a real host between a trunk and the firewall."
else
	note "This kernel cannot make 802.1Q VLAN devices (a probe, ip link add link eth0 type vlan id 2," \
		"failed: ${err:-no message}; the 8021q module is missing):" \
		"guest fw gets a macvlan on eth0 instead; on a real host it would be VLAN 2 (type vlan, vlan 2)."
fi

say "The configuration (confdir $confdir)"
note "Guest fw is a firewall alone in namespace fw; guests web and mail share namespace dmz:" \
	"each guest's spaces/net names its namespace, and .netns/NAME/ defines the namespace."
show_files fw/context fw/spaces web/context web/spaces web/interfaces mail/context mail/spaces .netns
note "" "Addresses come from two places:"
for f in "$confdir"/.netns/*/interfaces/*/ip; do
	note "  ${f#"$confdir"/} ($(paste -sd' ' "$f")): vserverx adds them to the namespace's interface"
done
for f in "$confdir"/*/interfaces/*/ip; do
	d=$(dirname "$f")
	note "  ${f#"$confdir"/} ($(cat "$f")/$(cat "$d/prefix") on $(cat "$d/dev")): util-vserver's own interfaces/," \
		"    which util-vserver applies when the guest starts, inside its namespace"
done

say "check validates everything and changes nothing: fw is not set up yet"
vx fw check || note "(check exited $?: it found problems, and changed nothing)"

say "setup installs the scriptlets util-vserver needs; check is then clean"
vx fw setup
for g in web mail; do
	printf '%s$ vserverx %s setup >/dev/null%s\n' "$cmdc" "$g" "$reset"
	"$bin" --confdir "$confdir" --util-vserver-vars "$UTIL_VSERVER_VARS" "$g" setup >/dev/null
done
vx fw check
vx web check

say "plan prints exactly what start will do, and changes nothing"
vx fw plan
note "" "plan names the source of each address; for web:"
vx web plan | grep -E 'addresses|guest web: ' || true

say "start fw: namespace, interface, then 'vserver fw start' inside it"
vx fw start
note "Processes in namespace fw right after start: $(pids_of fw)"
settle fw
vx fw status
note "Processes in namespace fw (ip netns pids fw): $(pids_of fw); the guest's own, as status counts them"
vx fw enter -- ip -br addr
show_origins fw

say "start the dmz group: web creates namespace dmz, mail joins it"
vx web start
settle dmz
note "Namespace dmz now exists with $(ip -n dmz -br link | grep -vc '^lo ') interface(s) besides lo; processes: $(pids_of dmz)"
vx -v mail start
settle dmz
note "Nothing was created for mail: it joined dmz. Processes in dmz: $(pids_of dmz)"
run ip netns list
vx list
vx mail enter -- ip -br addr
show_origins dmz

say "stop web: dmz stays, mail still uses it"
vx web stop
note "Processes left in dmz: $(pids_of dmz)"
say "stop mail: the last member, dmz goes"
vx mail stop
vx fw stop

say "Nothing is left: no namespace, no extra link"
run ip netns list
run ip -br link
links_after=$(ip -br link | awk '{print $1}' | sort | paste -sd' ')
if [ "$links_after" = "$links_before" ]; then
	note "The same links as before the demo: $links_after"
else
	note "Links before the demo: $links_before" "Links now:             $links_after"
	exit 1
fi
vx list
echo
echo "Demo finished: the throwaway namespaces vanish now."
