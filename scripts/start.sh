#!/usr/bin/env bash
# Starts refcheck locally: installs what is missing, then PostgreSQL, the Temporal dev server
# (with its UI), a mail catcher, a fake Lever, migrations, the api, the worker and the mail listener.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
step "Starting refcheck"
exec node dist/src/cli/start.js
