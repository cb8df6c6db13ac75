#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# copyright.sh BIN prints the Debian copyright file (DEP-5) for a package
# that holds BIN, the vserverx binary. The binary is linked statically, so
# the file names exactly what is linked into it, as `go version -m BIN`
# lists it: vserverx itself and the Go standard library (copyright.head),
# then one Files paragraph per Go module (taken from modules.dep5, with the
# module's version), then the texts of the licences those paragraphs name
# (licenses.dep5). A module that modules.dep5 does not know is an error
# naming it, so a new dependency cannot go into the package unlisted.
#
# GO names the go command (default: go). mkdeb.sh calls this script.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: copyright.sh BIN" >&2
	exit 2
fi
here=$(dirname "$0")
if ! info=$("${GO:-go}" version -m "$1"); then
	echo "copyright.sh: ${GO:-go} version -m $1 failed: cannot tell which modules it contains" >&2
	exit 1
fi
printf '%s\n' "$info" | awk -v head="$here/copyright.head" -v modules="$here/modules.dep5" \
	-v licenses="$here/licenses.dep5" -v bin="$1" -f "$here/copyright.awk"
