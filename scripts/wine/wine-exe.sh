#!/usr/bin/env bash
# wine-exe.sh <root> <cwd> <out file> <err file> <exe> [args...]: runs a Windows program under the root's
# Wine, in <cwd> (paths inside the root), its stdout and stderr into files (node.exe cannot write to a
# Unix pipe). WINE_ENV passes extra NAME=value words; WINEPATH in it is prepended to the Windows PATH.
set -euo pipefail
# shellcheck source=scripts/wine/lib.sh
source "$(dirname "$0")/lib.sh"
root=$1 cwd=$2 out=$3 err=$4
shift 4
# shellcheck disable=SC2016 # expanded by the inner sh
in_root "$root" sh -c 'cd "$1" && out=$2 err=$3 && shift 3 && exec wine "$@" >"$out" 2>"$err"' wine-exe "$cwd" "$out" "$err" "$@"
