#!/usr/bin/env bash
# Starts the demo portal on a fresh clone: installs what is missing, starts the Kubernetes API test
# server seeded with the scenarios (test/kube-test-server/scenarios) on https://127.0.0.1:6443 and the
# demo OpenID Connect provider (test/oidc-provider) on http://127.0.0.1:7008, then the backend
# (:7007) and the frontend (:3000). Ctrl-C stops all of them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/install.sh

# The test server speaks TLS like a real API server (kubectl sends bearer tokens only over TLS),
# with a self-signed certificate made once for this checkout.
tls_dir="$ROOT/.tools/kube-test-server"
if [ ! -f "$tls_dir/tls.key" ]; then
  mkdir -p "$tls_dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=kube-test-server \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
    -keyout "$tls_dir/tls.key" -out "$tls_dir/tls.crt" 2>/dev/null
fi
yarn kube-test-server --tls-cert "$tls_dir/tls.crt" --tls-key "$tls_dir/tls.key" &
test_server_pid=$!
# Where the demo users (examples/org.yaml, password "demo") sign in.
yarn workspace @internal/oidc-provider start &
oidc_pid=$!
trap 'kill $test_server_pid $oidc_pid 2>/dev/null || true' EXIT

# The backend discovers the provider once, when it starts: it has to be up first.
for _ in $(seq 1 60); do
  curl -sf http://127.0.0.1:7008/.well-known/openid-configuration >/dev/null && break
  sleep 0.5
done

yarn start "$@"
