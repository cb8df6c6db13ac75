#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# version.sh prints vserverx's version: what `vserverx --version` reports and
# the version of the Debian package, so both are always the same string.
#
# It comes from `git describe` of the checkout (run from anywhere inside it),
# made a valid Debian version (it must start with a digit; a hyphen would
# split off a Debian revision):
#
#   on a tag vX.Y.Z or X.Y.Z          X.Y.Z                    1.2.0
#   N commits after that tag          X.Y.Z+N.gHASH            1.2.0+3.g48dede4
#   no tag at all                     0.0~gitDATE.HASH         0.0~git20261128.48dede4
#   uncommitted changes               ... +dirty               1.2.0+3.g48dede4+dirty
#   not a git checkout                0.0~unknown
#
# DATE is HEAD's commit date (UTC, YYYYMMDD), so a rebuild of the same commit
# gets the same version; "~" sorts before anything, so the first tag
# supersedes every untagged build. In a tag, "-" becomes "~" (v1.0-rc1 gives
# 1.0~rc1, older than 1.0) and "_" becomes ".".
set -eu

# debian_version prints the version for the current checkout; it fails
# outside a git checkout.
debian_version() {
	if desc=$(git describe --tags --long --dirty=+dirty --match 'v[0-9]*' --match '[0-9]*' 2>/dev/null); then
		from_tag "$desc"
	else
		desc=$(git describe --always --dirty=+dirty 2>/dev/null) || return 1
		untagged "$desc"
	fi
}

# from_tag turns TAG-N-gHASH[+dirty] into TAG[+N.gHASH][+dirty].
from_tag() {
	dirty=
	case "$1" in *+dirty) dirty=+dirty ;; esac
	rest=${1%+dirty}
	tag=${rest%-*-g*}
	count_hash=${rest#"$tag"-}
	count=${count_hash%%-*}
	hash=${count_hash#*-}
	tag=$(printf '%s' "${tag#v}" | tr '_-' '.~')
	if [ "$count" = 0 ]; then
		printf '%s%s\n' "$tag" "$dirty"
	else
		printf '%s+%s.%s%s\n' "$tag" "$count" "$hash" "$dirty"
	fi
}

# untagged turns HASH[+dirty] into 0.0~gitDATE.HASH[+dirty].
untagged() {
	date=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d)
	printf '0.0~git%s.%s\n' "$date" "$1"
}

version=$(debian_version) || version=0.0~unknown
if ! printf '%s\n' "$version" | grep -Eqx '[0-9][A-Za-z0-9.+~]*'; then
	echo "version.sh: \"$version\" (from git describe) is not a valid Debian version; tag vX.Y.Z or set VERSION" >&2
	exit 1
fi
printf '%s\n' "$version"
