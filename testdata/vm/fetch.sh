#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# fetch.sh installs and caches what the real-kernel test VM needs:
#
#   - qemu-system-x86, busybox-static and xz-utils (apt-get install, when
#     missing);
#   - Debian's stock kernel: the linux-image-*-amd64 package that
#     linux-image-amd64 depends on is fetched with `apt-get download` and
#     only vmlinuz and the modules listed in modules.txt are extracted.
#
# The cache directory is $VSERVERX_VM_CACHE, default
# ${XDG_CACHE_HOME:-/var/cache}/vserverx-test/vm, outside the working tree
# (`make clean-cache` removes it). It holds:
#
#   linux-image-*.deb   the downloaded package (kept, so re-extracting is offline)
#   vmlinuz             the kernel
#   vmlinux             the same, unpacked (ELF): qemu boots it faster (PVH)
#   modules/NAME.ko     the modules, flat
#   modules/order       modules.txt without comments: the load order, each
#                       name with its insmod parameters
#   kernel.version      the package name and version
#   stamp               what the cache was built from; fetch.sh is a no-op
#                       while it matches
#
# Idempotent: a second run changes nothing and asks no server; a changed
# modules.txt is extracted again from the cached package. To move to a newer
# kernel, remove the cache directory. Run as root
# (apt-get). Only Debian's archive needs to be reachable. `apt-get update`
# runs only when an install or download fails for lack of package lists.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VSERVERX_VM_CACHE:-${XDG_CACHE_HOME:-/var/cache}/vserverx-test/vm}
modlist=$here/modules.txt
export DEBIAN_FRONTEND=noninteractive

log() { echo "fetch.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# apt_retry runs an apt-get command; when it fails, it runs `apt-get update`
# once and tries again.
apt_retry() {
	if "$@"; then return 0; fi
	log "'$*' failed; running apt-get update and trying again"
	apt-get update -qq || log "apt-get update reported errors (unreachable extra sources?); trying anyway"
	"$@"
}

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# why_needed prints what the test VM needs a package for.
why_needed() {
	case $1 in
	qemu-system-x86) echo "qemu-system-x86 (boots the test VM: Debian's stock kernel, with the 8021q, dummy and ipvlan drivers this host may lack)" ;;
	busybox-static) echo "busybox-static (the VM's shell and tools)" ;;
	xz-utils) echo "xz-utils (unpacks the kernel image)" ;;
	esac
}

install_tools() {
	local missing=() p
	installed qemu-system-x86 || missing+=(qemu-system-x86)
	installed busybox-static || missing+=(busybox-static)
	command -v xz >/dev/null || missing+=(xz-utils)
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "needs root to install ${missing[*]}: run as root (sudo $0)"
	log "installing with apt-get, for the real-kernel VM tests:"
	for p in "${missing[@]}"; do log "  $(why_needed "$p")"; done
	log "(log: $cache/apt.log)"
	apt_retry apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$cache/apt.log" 2>&1 ||
		{ tail -n 20 "$cache/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
}

# kernel_package prints the name of the linux-image-*-amd64 package that
# linux-image-amd64 depends on.
kernel_package() {
	local pkg
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
	if [ -z "$pkg" ]; then
		apt-get update -qq >&2 || true
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
	fi
	[ -n "$pkg" ] || die "cannot find the kernel package linux-image-amd64 depends on (apt-cache depends linux-image-amd64)"
	echo "$pkg"
}

# module_lines prints modules.txt without comments and blank lines: a name
# and optional insmod parameters per line.
module_lines() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' -e '/^$/d' "$modlist"; }

# modules_wanted prints the module names only.
modules_wanted() { module_lines | awk '{print $1}'; }

# cache_layout changes when the cache's contents change meaning, so that an
# older cache is extracted again.
cache_layout="layout 2: vmlinux"

# stamp_text prints what a cache was built from: the package file (first
# line), the layout and the module lines.
stamp_text() { echo "$1"; stamp_rest; }
stamp_rest() { echo "$cache_layout"; module_lines; }

# download fetches the kernel package into the cache, unless already there.
download() {
	local pkg=$1 deb
	deb=$(ls "$cache"/"$pkg"_*.deb 2>/dev/null | tail -n 1 || true)
	if [ -n "$deb" ]; then echo "$deb"; return 0; fi
	log "downloading $pkg (about 70 MB) into $cache: the VM tests boot this kernel; only vmlinuz and the modules of modules.txt are kept unpacked"
	# apt's _apt sandbox user may not write here; its warning goes to the log.
	(cd "$cache" && apt_retry apt-get download -qq "$pkg" >>"$cache/apt.log" 2>&1) ||
		{ tail -n 20 "$cache/apt.log" >&2; die "apt-get download $pkg failed"; }
	deb=$(ls "$cache"/"$pkg"_*.deb 2>/dev/null | tail -n 1 || true)
	[ -n "$deb" ] || die "apt-get download $pkg left no .deb in $cache"
	echo "$deb"
}

# extract unpacks vmlinuz and the wanted modules from the package.
extract() {
	local deb=$1 m f
	tmp=$(mktemp -d "$cache/extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' $(modules_wanted | sed 's|.*|*/&.ko|')
	rm -rf "$cache/modules" "$cache/vmlinuz" "$cache/vmlinux" "$cache/stamp"
	mkdir -p "$cache/modules"
	cp "$tmp"/boot/vmlinuz-* "$cache/vmlinuz"
	extract_vmlinux
	for m in $(modules_wanted); do
		f=$(find "$tmp" -path '*/modules/*' -name "$m.ko" | head -n 1)
		[ -n "$f" ] || die "$deb has no module $m.ko (listed in $modlist)"
		cp "$f" "$cache/modules/$m.ko"
	done
	module_lines >"$cache/modules/order"
	echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >"$cache/kernel.version"
}

# extract_vmlinux unpacks the ELF kernel that vmlinuz carries as an xz
# stream (as the kernel's scripts/extract-vmlinux finds it). qemu boots
# that through its PVH entry point and skips the decompression, which takes
# about 4 s under TCG. Without an xz stream only vmlinuz is kept.
extract_vmlinux() {
	local off
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$cache/vmlinuz" | head -n 1 | cut -d: -f1 || true)
	if [ -z "$off" ]; then
		log "vmlinuz holds no xz stream: the VM boots the compressed kernel"
		return 0
	fi
	# xz reports the bytes after the stream as garbage: judge by the result.
	tail -c +$((off + 1)) "$cache/vmlinuz" | xz -dc >"$cache/vmlinux.tmp" 2>/dev/null || true
	if [ "$(head -c 4 "$cache/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		mv "$cache/vmlinux.tmp" "$cache/vmlinux"
	else
		rm -f "$cache/vmlinux.tmp"
		log "could not unpack vmlinux from vmlinuz: the VM boots the compressed kernel"
	fi
}

main() {
	mkdir -p "$cache"
	install_tools
	local pkg deb
	if [ -f "$cache/stamp" ] && [ -f "$cache/vmlinuz" ] &&
		[ "$(tail -n +2 "$cache/stamp")" = "$(stamp_rest)" ]; then
		log "cache $cache is complete ($(cat "$cache/kernel.version"))"
		return 0
	fi
	# A cached package is used as it is (offline); remove the cache to
	# move to the kernel linux-image-amd64 depends on now.
	deb=$(ls "$cache"/linux-image-*.deb 2>/dev/null | tail -n 1 || true)
	if [ -z "$deb" ]; then
		pkg=$(kernel_package)
		deb=$(download "$pkg")
	fi
	extract "$deb"
	stamp_text "$(basename "$deb")" >"$cache/stamp"
	log "cache $cache ready ($(cat "$cache/kernel.version"))"
}

main "$@"
