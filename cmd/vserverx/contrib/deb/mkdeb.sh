#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mkdeb.sh ROOT VERSION ARCH OUTPUT: turn ROOT, a tree made by
# `make install DESTDIR=ROOT`, into the Debian package OUTPUT: gzips the man
# page, adds the copyright file (made by copyright.sh from the modules
# linked into the binary), the Debian changelog and the lintian overrides,
# writes DEBIAN/ (control, conffiles, md5sums, maintainer scripts) and runs
# `dpkg-deb --build --root-owner-group`. `make deb` calls it.
#
# GO names the go command that copyright.sh runs (default: go).
# DEB_MAINTAINER overrides the Maintainer field and the changelog's signer.
set -eu
umask 022

if [ $# -ne 4 ]; then
	echo "usage: mkdeb.sh ROOT VERSION ARCH OUTPUT" >&2
	exit 2
fi
root=$1 version=$2 arch=$3 output=$4
here=$(dirname "$0")
maintainer=${DEB_MAINTAINER:-vserverx maintainers <dev@vserverx.invalid>}
doc=$root/usr/share/doc/vserverx

if [ -z "$arch" ]; then
	echo "mkdeb.sh: no architecture (is dpkg installed?)" >&2
	exit 1
fi
if [ ! -x "$root/usr/sbin/vserverx" ]; then
	echo "mkdeb.sh: $root/usr/sbin/vserverx is missing: run make install DESTDIR=$root first" >&2
	exit 1
fi
# Before anything changes in ROOT: the copyright file refuses a module it
# does not know.
copyright=$(sh "$here/copyright.sh" "$root/usr/sbin/vserverx")

# changelog prints the package's Debian changelog: one entry for this build,
# dated with HEAD's commit date (or now, outside git).
changelog() {
	commit=$(git rev-parse --short HEAD 2>/dev/null) || commit=unknown
	date=$(git log -1 --format=%cD 2>/dev/null) || date=$(date -R)
	cat <<EOT
vserverx ($version) unstable; urgency=medium

  * Built by make deb from git commit $commit.

 -- $maintainer  $date
EOT
}

# installed_size prints the Installed-Size in KiB as dpkg-gencontrol counts
# it: each file rounded up to a KiB, each directory and symlink one KiB.
installed_size() {
	find "$root" -path "$root/DEBIAN" -prune -o -mindepth 1 \( -type f -printf '%s\n' -o -printf '1024\n' \) |
		awk '{ kib += int(($1 + 1023) / 1024) } END { print kib }'
}

# control prints DEBIAN/control.
control() {
	sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" \
		-e "s|@MAINTAINER@|$maintainer|" -e "s|@INSTALLED_SIZE@|$(installed_size)|" \
		"$here/control.in"
}

gzip -9nf "$root/usr/share/man/man8/vserverx.8"
install -d -m 0755 "$doc"
printf '%s\n' "$copyright" >"$doc/copyright"
chmod 0644 "$doc/copyright"
changelog | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"
install -D -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/vserverx"

install -d -m 0755 "$root/DEBIAN"
for script in postinst prerm postrm; do
	install -m 0755 "$here/$script" "$root/DEBIAN/$script"
done
install -m 0644 "$here/conffiles" "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' |
	LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
control >"$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control"

# Reproducible: the archive's timestamps are HEAD's commit time.
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && epoch=$(git log -1 --format=%ct 2>/dev/null); then
	export SOURCE_DATE_EPOCH="$epoch"
fi
dpkg-deb --build --root-owner-group "$root" "$output"
