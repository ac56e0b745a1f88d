#!/usr/bin/env bash
# Runs every check and test: typecheck, lint, the supply-chain audit and SBOM, then the whole
# test suite (unit, HTTP, integration against private redis-server processes and the
# Intercom simulator).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$RELAY_ROOT"
mkdir -p .tmp

echo "== typecheck"
pnpm run --silent check-types
echo "== lint"
pnpm exec biome check .
echo "== supply chain"
bash scripts/supply-chain.sh
echo "== test"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-report.json "$@" || status=$?
node scripts/print-test-summary.ts .tmp/vitest-report.json || true
exit "$status"
