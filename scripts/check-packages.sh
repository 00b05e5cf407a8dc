#!/usr/bin/env bash
# Checks what adopters install: every published package's API report (report.api.md, made by
# Backstage's repo tools) matches its current exports, each tagged @public or @alpha. A changed API
# fails here until `scripts/check-packages.sh --fix` regenerates the reports and they are committed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

PUBLISHED=(
  plugins/bluegreen-common
  plugins/bluegreen-backend
  plugins/bluegreen
  plugins/scaffolder-backend-module-bluegreen
)

mode=--ci
if [ "${1:-}" = "--fix" ]; then mode=; fi

# Emit the declarations the reports are made from first, so a stale dist-types/ cannot pass; type
# errors are the type check's to report (repo-tools' own --tsc gives up on the first one).
yarn tsc >/dev/null || true
# Members without a doc comment are allowed (ae-undocumented); a missing release tag or an
# exported type that is not exported by the entry point fails. ae-wrong-input-file-type is API
# Extractor noticing that the common package resolves to its sources inside this workspace (its
# `types` is src/index.ts until prepack), which says nothing about the API.
yarn backstage-repo-tools api-reports --omit-messages ae-undocumented,ae-wrong-input-file-type \
  --validate-release-tags $mode "${PUBLISHED[@]}"
