#!/usr/bin/env bash
# Runs every check and test: typecheck and lint (through Turborepo, cached in .turbo/ so an
# unchanged package is not checked again), unused files, exports and dependencies (knip), the
# dependency rules of the layout (scripts/deps.sh), the
# supply-chain audit and SBOM, then the whole test suite (unit, HTTP, integration against
# private redis-server processes and the Intercom simulator).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$RELAY_ROOT"
mkdir -p .tmp

# Turborepo: no telemetry and no update check (this must work offline).
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
echo "== typecheck"
pnpm run --silent check-types
echo "== lint"
pnpm run --silent lint
echo "== unused code and dependencies (knip)"
pnpm exec knip
echo "== dependency rules (dependency-cruiser, process.env)"
pnpm run --silent deps
echo "== supply chain"
bash scripts/supply-chain.sh
echo "== test"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-report.json "$@" || status=$?
node scripts/print-test-summary.ts .tmp/vitest-report.json || true
exit "$status"
