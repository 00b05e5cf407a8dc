#!/usr/bin/env bash
# Runs the whole test suite on a fresh clone: type check, lint, the published packages' API reports
# and install test, every package's Jest tests (unit, router, integration against the Kubernetes API
# test server, kubectl fidelity), the browser tests in Chromium and the benchmarks in smoke mode.
# Ends with one line summed over every runner: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/install.sh || exit 1
bash scripts/install-test-tools.sh || exit 1

results="$ROOT/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

echo "== type check"
yarn tsc --noEmit || status=1

echo "== lint"
yarn backstage-cli repo lint || status=1

# The store tests run on SQLite and PostgreSQL 15. TestDatabases skips PostgreSQL silently without a
# server, so no server is a failed run; the server stops when this script exits.
source scripts/postgres.sh || exit 1

echo "== packages: API reports, install into a fresh Backstage"
# scripts/check-packages.sh: every published package's report.api.md matches its exports.
# scripts/test-install.sh: the packed plugins install into test/install-app/portal by README's lines.
passed=0 failed=0
for check in scripts/check-packages.sh scripts/test-install.sh; do
  if bash "$check"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
done
echo "{\"numPassedTests\":$passed,\"numFailedTests\":$failed}" > "$results/packages.json"

echo "== jest"
CI=true yarn backstage-cli repo test --json --outputFile="$results/jest.json" || status=1

echo "== browser tests"
# The browser tests run the backend serving the built frontend, as a production portal would.
yarn workspace app build || status=1
yarn workspace @internal/e2e e2e --json --outputFile="$results/e2e.json" || status=1

echo "== benchmark smoke (yarn bench:state --smoke, yarn bench:cutovers --smoke, yarn bench:rollouts --smoke)"
# CI runs the benchmarks small, to keep them working; their full runs are `yarn bench:state`,
# `yarn bench:cutovers` and `yarn bench:rollouts`. The cutover benchmark's backend runs on the
# PostgreSQL started above.
passed=0 failed=0
for bench in bench:state bench:cutovers bench:rollouts; do
  if yarn "$bench" --smoke; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
done
echo "{\"numPassedTests\":$passed,\"numFailedTests\":$failed}" > "$results/bench.json"

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const f of process.argv.slice(1)) {
  if (!fs.existsSync(f)) { failed += 1; console.error(`missing results: ${f}`); continue; }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
' "$results/jest.json" "$results/e2e.json" "$results/bench.json" "$results/packages.json" || status=1
exit $status
