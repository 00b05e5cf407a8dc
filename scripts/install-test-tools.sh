#!/usr/bin/env bash
# The system packages the test suite drives from outside Node: Debian's Chromium (browser tests),
# a kubectl (fidelity tests of the Kubernetes API test server) and Prometheus (the progressive
# rollout tests run the real server on loopback). Installed only when missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
# The package's service is never used: the tests run /usr/bin/prometheus with their own config.
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[install] apt-get install ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
