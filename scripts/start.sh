#!/usr/bin/env bash
# Starts the demo portal on a fresh clone: installs what is missing, starts the Kubernetes API test
# server seeded with the scenarios (test/kube-test-server/scenarios) on :6443, then the backend
# (:7007) and the frontend (:3000). Ctrl-C stops all of them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/install.sh

yarn kube-test-server &
test_server_pid=$!
trap 'kill $test_server_pid 2>/dev/null || true' EXIT

yarn start "$@"
