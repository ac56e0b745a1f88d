#!/usr/bin/env bash
# The dependency map of ARCHITECTURE.md ("Dependencies point one way"), run as `pnpm run deps`:
# dependency-cruiser with .dependency-cruiser.cjs over apps/, packages/, test/, bench/ and
# scripts/ (`pnpm run deps:imports`), then the process.env check it cannot do
# (scripts/check-process-env.ts). Both always run; each violation is printed as
# `error <rule>: <file> …`, and the exit status is non-zero when either found one.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
echo "== imports (dependency-cruiser, .dependency-cruiser.cjs)"
pnpm run --silent deps:imports || status=1
echo "== process.env (scripts/check-process-env.ts)"
node scripts/check-process-env.ts || status=1
exit "$status"
