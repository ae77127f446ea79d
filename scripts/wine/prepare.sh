#!/usr/bin/env bash
# Prepares, once per machine, the Wine 10 environment opsctl's Windows code runs in: a Debian 13 (trixie)
# root made by debootstrap (Debian 12's Wine 8 cannot start Node 24), with wine and an initialised prefix.
# The host's own apt sources stay untouched: everything Wine needs lives inside that root.
#
# Cached in $OPSCTL_WINE_HOME (default /var/cache/opsctl-wine) and reused while `wine --version` in it
# still says wine-10: a warm run costs a second. Needs root (debootstrap, chroot). Prints the root's path.
set -euo pipefail

MIRROR=${OPSCTL_WINE_MIRROR:-http://deb.debian.org/debian}
# shellcheck source=scripts/wine/lib.sh
source "$(dirname "$0")/lib.sh"

# The check is the binary actually used: the root's wine answering with version 10, and its prefix.
wine_ready() {
  # (usr/bin/wine is a link to /etc/alternatives: only inside the root does it resolve.)
  [[ -f "$ROOT/root/.wine/system.reg" ]] || return 1
  in_root "$ROOT" wine --version 2>/dev/null | grep -q '^wine-10\.'
}

if wine_ready; then
  log "reusing $ROOT ($(in_root "$ROOT" wine --version))"
  printf '%s\n' "$ROOT"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || { log "this needs root (debootstrap and chroot); run it as root or with sudo"; exit 1; }
if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap (host package)"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap </dev/null
fi
command -v debootstrap >/dev/null || { log "debootstrap is still missing after apt-get install"; exit 1; }

# Built beside the cache and renamed into place only when whole: an interrupted run leaves no half root.
partial="$WINE_HOME/root.partial"
rm -rf "$partial"
mkdir -p "$WINE_HOME"
started=$SECONDS
log "debootstrap --variant=minbase trixie from $MIRROR (about 2 min)"
debootstrap --variant=minbase trixie "$partial" "$MIRROR" >"$WINE_HOME/debootstrap.log" 2>&1 ||
  { tail -n 30 "$WINE_HOME/debootstrap.log" >&2; exit 1; }
log "apt-get install wine wine64 inside it (about 2 min, 1 GB)"
cp /etc/resolv.conf "$partial/etc/resolv.conf"
in_root "$partial" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends wine wine64 </dev/null' \
  >"$WINE_HOME/apt.log" 2>&1 || { tail -n 30 "$WINE_HOME/apt.log" >&2; exit 1; }
in_root "$partial" apt-get clean
log "wineboot -i (about 30 s)"
in_root "$partial" sh -c 'wineboot -i && wineserver -w' >"$WINE_HOME/wineboot.log" 2>&1 ||
  { tail -n 30 "$WINE_HOME/wineboot.log" >&2; exit 1; }
rm -rf "$ROOT"
mv "$partial" "$ROOT"
wine_ready || { log "wine in $ROOT does not answer wine-10 after preparing it"; exit 1; }
log "ready in $((SECONDS - started)) s: $ROOT ($(in_root "$ROOT" wine --version))"
printf '%s\n' "$ROOT"
