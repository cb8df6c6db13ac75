#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# version.sh prints vserverx's version: what `vserverx --version` reports and
# the version of the Debian package, so both are always the same string.
#
# The release is recorded in the file VERSION at the top of the checkout
# (run from anywhere inside it); git adds how far HEAD is from the commit
# that last changed that file:
#
#   HEAD is the commit that last changed VERSION   X.Y.Z                0.1.0
#   N commits after it                             X.Y.Z+N.gHASH        0.1.0+3.g48dede4
#   commit count unknown (VERSION not committed,
#     or a shallow clone that cut its history)     X.Y.Z+gHASH          0.1.0+g48dede4
#   uncommitted changes                            ... +dirty           0.1.0+3.g48dede4+dirty
#   not a git checkout (an unpacked release)       X.Y.Z, from the VERSION beside this script's tree
#
# A release is the commit that writes its number into VERSION (with an entry
# in NEWS.md); a tag is not needed, since tags do not always travel with a
# branch. "+" sorts after the release, so every later build supersedes it.
# VERSION must already be a valid Debian version without revision (digits
# first; letters, digits and . + ~ only; "~" sorts before the release, as in
# 1.0~rc1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# release prints the content of VERSION in directory $1.
release() {
	if [ ! -f "$1/VERSION" ]; then
		echo "version.sh: $1/VERSION is missing: it holds the release number (e.g. 0.1.0)" >&2
		return 1
	fi
	tr -d ' \t\n' <"$1/VERSION"
}

# since prints "", "+N.gHASH" or "+gHASH" for HEAD, measured from the
# commit that last changed VERSION.
since() {
	hash=$(git rev-parse --short HEAD)
	last=$(git log -1 --format=%H -- "$top/VERSION")
	if [ -z "$last" ] || shallow_boundary "$last"; then
		printf '+g%s' "$hash"
		return 0
	fi
	count=$(git rev-list --count "$last..HEAD")
	[ "$count" = 0 ] || printf '+%s.g%s' "$count" "$hash"
}

# shallow_boundary says whether commit $1 is where a shallow clone's history
# was cut: there, "last changed VERSION" only means "first commit we have".
shallow_boundary() {
	shallow=$(git rev-parse --git-path shallow)
	[ -f "$shallow" ] && grep -qx "$1" "$shallow"
}

# dirty prints "+dirty" when tracked files differ from HEAD.
dirty() {
	[ -z "$(git status --porcelain --untracked-files=no)" ] || printf '+dirty'
}

if top=$(git rev-parse --show-toplevel 2>/dev/null); then
	base=$(release "$top")
	version=$base$(since)$(dirty)
else
	base=$(release "$here/../../../..")
	version=$base
fi
if ! printf '%s\n' "$version" | grep -Eqx '[0-9][A-Za-z0-9.+~]*'; then
	echo "version.sh: \"$base\" (from VERSION) is not a valid Debian version: digits first, then letters, digits, . + ~" >&2
	exit 1
fi
printf '%s\n' "$version"
