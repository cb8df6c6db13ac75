#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# floor.sh add|del NS...
#
# The floor of vxbench's benchmark: N bare named namespaces, created with
# `ip netns add NS` and deleted with `ip netns del NS`, nothing else.
set -euo pipefail
op=${1:-}
shift || true
case $op in
add | del)
	for ns in "$@"; do ip netns "$op" "$ns"; done
	;;
*)
	echo "usage: floor.sh add|del NS..." >&2
	exit 2
	;;
esac
