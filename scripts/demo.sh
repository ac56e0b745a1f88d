#!/usr/bin/env bash
# The demo: the whole relay on this machine against the Intercom simulator. Exits by itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$RELAY_ROOT"
exec node scripts/demo.ts "$@"
