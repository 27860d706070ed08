#!/usr/bin/env bash
# Plays one candidate's whole journey against the local stack (started if it is not running).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
step "Playing the demo"
exec node dist/src/cli/demo.js
