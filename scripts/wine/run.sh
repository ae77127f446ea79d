#!/usr/bin/env bash
# Runs opsctl's Windows code under Wine 10 (see README, Development):
#   scripts/wine/run.sh             the unit suite with node.exe, then the smoke run of opsctl-win-x64.exe
#   scripts/wine/run.sh unit [f..]  the unit suite only (or the named test files)
#   scripts/wine/run.sh smoke       the executable's smoke run only
# Prepares the Wine root first (scripts/wine/prepare.sh, cached per machine). Needs root, node and npm.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/wine/lib.sh
source "$REPO/scripts/wine/lib.sh"
mode=${1:-all}
[[ $# -gt 0 ]] && shift

# Wine's own limits (the gates say why): no links to folders or files (links), EBADF where Windows says
# EISDIR (eisdir); the GitHub Windows job runs those tests on real Windows. The rest is that job's list
# (no Linux containers, POSIX signals or Unix tools on Windows) plus git and mkfifo, absent in Wine.
WINE_LIMITS=links,eisdir
WINDOWS_OPTIONAL=docker,docker-compose,docker-swarm,busybox,posix-signals,postgres,redis,tmpfs,openssl,crontab,zsh,bash,sea-linux-x64,file-mode-bits,git,mkfifo,procfs,qemu-aarch64,age,sha256sum

"$REPO/scripts/wine/prepare.sh" >/dev/null
node_exe=$(node "$REPO/scripts/wine/node-exe.mjs" "$WINE_HOME/node")
mkdir -p "$ROOT/opt/node"
cmp -s "$node_exe" "$ROOT/opt/node/node.exe" || cp "$node_exe" "$ROOT/opt/node/node.exe"

# Runs node.exe under Wine in the Windows copy (/opsctl, Z:\opsctl to Windows). Its stdout and stderr
# must be files: a Unix pipe gives node.exe `Error: open EBADF`. Prints the output when done.
wine_node() {
  local out="$ROOT/tmp/opsctl-wine.out" status=0
  WINE_ENV="CI=${CI:-} OPSCTL_TEST_OPTIONAL_TOOLS=${WINDOWS_OPTIONAL},${WINE_LIMITS} FORCE_COLOR=0 NO_COLOR=1" \
    in_root "$ROOT" sh -c 'cd /opsctl && wine /opt/node/node.exe "$@" >/tmp/opsctl-wine.out 2>&1; status=$?; wineserver -k; exit $status' \
    wine-node "$@" || status=$?
  cat "$out"
  return "$status"
}

# A separate copy of the repository whose node_modules has the Windows native packages (rollup, esbuild)
# of the toolchain, installed and built on Linux; reinstalled only when package-lock.json changed.
sync_windows_copy() {
  local copy="$ROOT/opsctl"
  mkdir -p "$copy"
  find "$copy" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .lock-installed -exec rm -rf {} +
  (cd "$REPO" && git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules' |
    tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$copy"
  if ! cmp -s "$copy/package-lock.json" "$copy/.lock-installed"; then
    log "npm ci --os=win32 --cpu=x64 in the Windows copy"
    (cd "$copy" && rm -rf node_modules && npm ci --os=win32 --cpu=x64 --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$copy/package-lock.json" "$copy/.lock-installed"
  fi
  (cd "$copy" && node node_modules/typescript/bin/tsc -p tsconfig.build.json)
}

run_unit() {
  local started=$SECONDS status=0
  sync_windows_copy
  log "unit suite under Wine: node.exe $(wine_node --version | tr -d '\r')"
  wine_node node_modules/vitest/vitest.mjs run --reporter=default "${@:-test/unit}" || status=$?
  log "unit suite under Wine: exit $status in $((SECONDS - started)) s"
  return "$status"
}

run_smoke() {
  local started=$SECONDS status=0
  (cd "$REPO" && npm run --silent package)
  node "$REPO/scripts/wine/smoke.mjs" "$ROOT" "$REPO/release" || status=$?
  in_root "$ROOT" wineserver -k 2>/dev/null || true # Wine's own services: nothing left running
  log "executable smoke run under Wine: exit $status in $((SECONDS - started)) s"
  return "$status"
}

case "$mode" in
  unit) run_unit "$@" ;;
  smoke) run_smoke ;;
  all)
    status=0
    run_unit || status=$?
    run_smoke || status=$?
    exit "$status"
    ;;
  *) printf 'usage: %s [all|unit [test files...]|smoke]\n' "$0" >&2; exit 2 ;;
esac
