#!/usr/bin/env bash
# Starts the demo portal on a fresh clone: installs what is missing, starts the Kubernetes API test
# server seeded with the scenarios (test/kube-test-server/scenarios) on https://127.0.0.1:6443, the
# demo OpenID Connect provider (test/oidc-provider) on http://127.0.0.1:7008, the traffic simulator
# (test/traffic-simulator: Istio metrics that follow the routes) on http://127.0.0.1:9464 and a
# Prometheus scraping it on http://127.0.0.1:9090, then the backend (:7007) and the frontend
# (:3000). Ctrl-C stops all of them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/install.sh
# Debian's Prometheus measures the demo's rollouts; its packaged service is never used.
if [ ! -x /usr/bin/prometheus ]; then
  echo "[start] apt-get install prometheus" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

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
# Requests per colour as the live VirtualService weights say; scripts/demo-traffic.sh changes a
# colour's error rate and latency.
yarn workspace @internal/traffic-simulator start --port 9464 \
  --kube-url https://127.0.0.1:6443 --token demo-token --insecure-skip-tls-verify &
simulator_pid=$!
# Scrapes the simulator every 5 s; the data of one demo run lives under .tools/ and is removed
# at the next start.
prometheus_dir="$ROOT/.tools/prometheus"
rm -rf "$prometheus_dir/data"
mkdir -p "$prometheus_dir"
cat > "$prometheus_dir/prometheus.yml" <<'YAML'
global: { scrape_interval: 5s, evaluation_interval: 5s }
scrape_configs:
  - job_name: mesh
    static_configs: [{ targets: ['127.0.0.1:9464'] }]
YAML
/usr/bin/prometheus --config.file="$prometheus_dir/prometheus.yml" \
  --storage.tsdb.path="$prometheus_dir/data" --web.listen-address=127.0.0.1:9090 \
  >"$prometheus_dir/prometheus.log" 2>&1 &
prometheus_pid=$!
trap 'kill $test_server_pid $oidc_pid $simulator_pid $prometheus_pid 2>/dev/null || true' EXIT

# The backend discovers the provider once, when it starts: it has to be up first.
for _ in $(seq 1 60); do
  curl -sf http://127.0.0.1:7008/.well-known/openid-configuration >/dev/null && break
  sleep 0.5
done

yarn start "$@"
