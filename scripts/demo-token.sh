#!/usr/bin/env bash
# Prints a Backstage token for a demo user (alice, bob, carol, paul, vera; see README.md), got
# through the real sign-in: the backend's /api/auth/oidc/start, the demo OpenID Connect provider's
# login form, the callback, then /api/auth/oidc/refresh. For curl and scripts:
#   curl -H "Authorization: Bearer $(scripts/demo-token.sh alice)" http://localhost:7007/api/...
# The backend is http://localhost:7007 unless BACKSTAGE_BACKEND_URL or --backend says otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
exec node --require @backstage/cli/config/nodeTransform.cjs test/oidc-provider/src/token.ts "$@"
