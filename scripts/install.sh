#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: Node 22 (via env.sh) and the dependencies
# pinned by the committed yarn.lock. Safe to run again: it does nothing that is already done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

if [ ! -f node_modules/.yarn-state.yml ] || [ yarn.lock -nt node_modules/.yarn-state.yml ] || [ -n "${CI:-}" ]; then
  echo "[install] yarn install --immutable" >&2
  yarn install --immutable
fi
