# Sourced by scripts/wine/*.sh: where the Wine 10 root lives and how to run a command inside it.
# shellcheck shell=bash

WINE_HOME=${OPSCTL_WINE_HOME:-/var/cache/opsctl-wine}
ROOT="$WINE_HOME/root"

log() { printf '[wine %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Runs argv inside a root with /proc and /dev mounted in a mount namespace of our own, so the mounts
# vanish with the command (nothing to unmount after a failure). The environment is a clean one plus
# WINE_ENV (NAME=value words): Wine hands the Unix environment on to Windows programs.
in_root() {
  local root=$1
  shift
  # shellcheck disable=SC2016 # expanded by the inner sh
  unshare --mount --propagation private -- sh -c '
    root=$1; shift
    mkdir -p -m 700 "$root/run/user/0" &&
      mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && exec chroot "$root" "$@"' \
    in-root "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TZ=UTC XDG_RUNTIME_DIR=/run/user/0 \
    WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' DEBIAN_FRONTEND=noninteractive ${WINE_ENV:-} "$@"
}
