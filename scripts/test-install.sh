#!/usr/bin/env bash
# Installs the blue/green plugins as an adopter would: builds and packs the four published packages
# (`yarn pack`, which runs their prepack/postpack), installs the tarballs into the minimal portal
# test/install-app/portal (a yarn project of its own, not a root workspace) in place of the registry,
# type-checks its app against the frontend plugin, then starts its backend against the Kubernetes
# API test server and asks the state endpoint about the catalog entity it registers. Needs a
# PostgreSQL (scripts/postgres.sh starts one when none is given).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
PORTAL="$ROOT/test/install-app/portal"
PACKAGES=(plugin-bluegreen-common plugin-bluegreen-backend plugin-bluegreen plugin-scaffolder-backend-module-bluegreen)
DIRS=(plugins/bluegreen-common plugins/bluegreen-backend plugins/bluegreen plugins/scaffolder-backend-module-bluegreen)

echo "== build and pack the published packages"
yarn tsc >/dev/null || true # emits the declarations the builds bundle; type errors are test.sh's to report
rm -rf "$PORTAL/tarballs" && mkdir -p "$PORTAL/tarballs"
for i in "${!DIRS[@]}"; do
  (cd "${DIRS[$i]}" && yarn backstage-cli package build && yarn pack --out "$PORTAL/tarballs/${PACKAGES[$i]}.tgz" >/dev/null)
done

echo "== install them into test/install-app/portal"
cd "$PORTAL"
# The tarballs change with every build, so their lockfile entries do too; everything else must be
# exactly what the committed yarn.lock says (what --immutable checks), compared below.
cp yarn.lock "$PORTAL/tarballs/yarn.lock.committed"
YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install
node -e '
const fs = require("fs");
const thirdParty = file => fs.readFileSync(file, "utf8").split(/\n(?=\S)/)
  .filter(block => !block.includes("@bluegreen-istio/")).join("\n");
if (thirdParty(process.argv[1]) !== thirdParty(process.argv[2])) {
  console.error("test/install-app/portal/yarn.lock is out of date for its third-party packages: run scripts/test-install.sh, then commit the yarn.lock it leaves");
  process.exit(1);
}' "$PORTAL/tarballs/yarn.lock.committed" yarn.lock

echo "== type-check the app against the frontend plugin"
yarn tsc -p tsconfig.json

echo "== start the backend and read the state of component:default/myapp"
cd "$ROOT"
source scripts/postgres.sh || exit 1
free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }
logs="$(mktemp -d)"
pids=()
# Each runs in a process group of its own (setsid), so stopping the group stops yarn's children too.
cleanup() { for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done; rm -rf "$logs"; }
trap cleanup EXIT

export INSTALL_APP_KUBE_TOKEN="install-test-$RANDOM$RANDOM"
kube_port="$(free_port)"
setsid yarn kube-test-server --port "$kube_port" --token "$INSTALL_APP_KUBE_TOKEN" >"$logs/kube.log" 2>&1 &
pids+=($!)
export INSTALL_APP_KUBE_URL="http://127.0.0.1:$kube_port"
export INSTALL_APP_PORT="$(free_port)"
export INSTALL_APP_TOKEN="install-test-$RANDOM$RANDOM$RANDOM"
export INSTALL_APP_DATABASE="$BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING"
(cd "$PORTAL/packages/backend" && exec setsid node src/index.ts --config ../../app-config.yaml) >"$logs/backend.log" 2>&1 &
pids+=($!)

url="http://127.0.0.1:$INSTALL_APP_PORT/api/bluegreen/state?entityRef=component:default/myapp"
for _ in $(seq 1 120); do
  if body="$(curl -sf -H "Authorization: Bearer $INSTALL_APP_TOKEN" "$url")"; then
    if node -e '
      const state = JSON.parse(process.argv[1]);
      const [cluster] = state.clusters;
      const colours = cluster.colours.map(c => c.name).sort().join(",");
      if (cluster.error || colours !== "v1,v2") { console.error(JSON.stringify(state)); process.exit(1); }
      console.log(`install test: ${cluster.cluster} answers colours ${colours}`);
    ' "$body"; then exit 0; fi
    exit 1
  fi
  sleep 1
done
echo "the installed backend did not answer $url within 120 s; its log:" >&2
tail -50 "$logs/backend.log" >&2
exit 1
