#!/usr/bin/env bash
# Sourced by scripts/demo.sh and scripts/test.sh: installs what a fresh machine lacks and
# does nothing when everything is already there. Everything it installs for the project
# goes under .tools/ (git-ignored); only redis-server goes to the system, through apt.
#   - Node >= 22 (a Node 24 LTS build from the npm registry's `node` package when the
#     system Node is older or missing)
#   - pnpm, at the version pinned in package.json's packageManager (installed with npm)
#   - the locked dependencies (pnpm install --frozen-lockfile, only when the lockfile changed)
#   - redis-server from Debian's packages, when absent and apt-get is available
#   - promtool and prometheus from Debian's `prometheus` package, when absent and apt-get is
#     available (the deploy tests check the alert rules and scrape a running stack with them)
#   - openssl from Debian's packages, when absent and apt-get is available (the TLS tests make
#     their certificates with it)
set -euo pipefail

RELAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RELAY_TOOLS="$RELAY_ROOT/.tools"
RELAY_NODE_MIN_MAJOR=22
RELAY_NODE_PACKAGE="node@24"

relay_log() { printf '[bootstrap] %s\n' "$*" >&2; }

relay_node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

relay_ensure_node() {
  export PATH="$RELAY_TOOLS/node/node_modules/.bin:$PATH"
  if [ "$(relay_node_major)" -ge "$RELAY_NODE_MIN_MAJOR" ]; then return; fi
  command -v npm >/dev/null 2>&1 || {
    relay_log "Node >= $RELAY_NODE_MIN_MAJOR is needed and no npm is available to install it."
    relay_log "Install Node $RELAY_NODE_MIN_MAJOR+ (https://nodejs.org) and run this again."
    exit 1
  }
  relay_log "system Node is $(node --version 2>/dev/null || echo absent); installing $RELAY_NODE_PACKAGE into .tools/node"
  mkdir -p "$RELAY_TOOLS/node"
  npm install --prefix "$RELAY_TOOLS/node" --no-save --no-audit --no-fund --loglevel=error \
    "$RELAY_NODE_PACKAGE" >&2
  hash -r
  if [ "$(relay_node_major)" -lt "$RELAY_NODE_MIN_MAJOR" ]; then
    relay_log "installing $RELAY_NODE_PACKAGE did not give a usable node; see the npm output above"
    exit 1
  fi
}

relay_ensure_pnpm() {
  local wanted
  # package.json's packageManager (`pnpm@X.Y.Z`) is the one pin; corepack is not used (it fails
  # its signature check against some registries), and pmOnFail in pnpm-workspace.yaml keeps
  # pnpm from acting on the pin itself.
  wanted="$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$RELAY_ROOT/package.json")"
  export PATH="$RELAY_TOOLS/pnpm/node_modules/.bin:$PATH"
  hash -r
  if [ "$(pnpm --version 2>/dev/null || true)" = "$wanted" ]; then return; fi
  relay_log "installing pnpm $wanted into .tools/pnpm"
  mkdir -p "$RELAY_TOOLS/pnpm"
  npm install --prefix "$RELAY_TOOLS/pnpm" --no-save --no-audit --no-fund --loglevel=error \
    "pnpm@$wanted" >&2
  hash -r
}

relay_ensure_dependencies() {
  local stamp="$RELAY_ROOT/node_modules/.relay-lock-hash" hash
  hash="$( (cat "$RELAY_ROOT/pnpm-lock.yaml"; node --version) | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then return; fi
  relay_log "installing locked dependencies (pnpm install --frozen-lockfile)"
  (cd "$RELAY_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  echo "$hash" >"$stamp"
}

relay_ensure_redis() {
  if command -v redis-server >/dev/null 2>&1 || [ -n "${REDIS_URL:-}" ]; then return; fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    relay_log "redis-server is missing; installing it from Debian's packages"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >&2
  else
    relay_log "redis-server is missing and apt-get is not available: install Redis 7+, or set REDIS_URL"
  fi
}

relay_ensure_prometheus() {
  if command -v promtool >/dev/null 2>&1; then return; fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    relay_log "promtool is missing; installing Prometheus from Debian's packages"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >&2
    relay_stop_packaged_prometheus "$sudo"
  else
    relay_log "promtool is missing and apt-get is not available: install Prometheus 2.x (promtool, prometheus) for the deploy tests"
  fi
}

# The package's postinst starts a Prometheus server on :9090 where an init system lets it.
# The tests start their own on free ports, so the packaged one is stopped and kept from
# starting at boot: nothing of this project listens on a fixed port.
relay_stop_packaged_prometheus() {
  local sudo="$1"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now prometheus >&2 2>/dev/null || true
  elif [ -x /etc/init.d/prometheus ]; then
    $sudo /etc/init.d/prometheus stop >&2 2>/dev/null || true
    if command -v update-rc.d >/dev/null 2>&1; then
      $sudo update-rc.d prometheus disable >&2 2>/dev/null || true
    fi
  fi
  if command -v ss >/dev/null 2>&1 && ss -ltnp 'sport = :9090' 2>/dev/null | grep -q prometheus; then
    relay_log "a Prometheus server still listens on :9090 (ss -ltnp); stop it: the tests do not need it"
  fi
}

relay_ensure_openssl() {
  if command -v openssl >/dev/null 2>&1; then return; fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    relay_log "openssl is missing; installing it from Debian's packages"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends openssl >&2
  else
    relay_log "openssl is missing and apt-get is not available: install it for the TLS tests"
  fi
}

relay_ensure_node
relay_ensure_pnpm
relay_ensure_dependencies
relay_ensure_redis
relay_ensure_prometheus
relay_ensure_openssl
export RELAY_ROOT
