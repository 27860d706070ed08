#!/usr/bin/env bash
# The fault drill: candidates through a whole check while workers, Temporal, PostgreSQL and Lever fail.
# Usage: npm run drill [-- --candidates 200 --workers 2 --budget-seconds 600]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
step "Fault drill (own Temporal dev server, PostgreSQL, mail catcher, fake Lever and worker processes)"
exec node dist/test/drill/drill.js "$@"
