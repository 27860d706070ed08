#!/usr/bin/env bash
# The test suite on real parts: installs what is missing, then jest starts a Temporal dev server
# and a Postgres cluster of its own (or uses TEMPORAL_ADDRESS / DATABASE_URL) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh

step "Running the test suite"
mkdir -p .data
status=0
npx jest --json --outputFile=.data/jest-results.json "$@" || status=$?
# One closing line any CI can read, whatever jest printed above it.
node -e '
  const r = require("./.data/jest-results.json");
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
