#!/usr/bin/env bash
# The test suite on real parts: installs what is missing, then jest starts a Temporal dev server
# and a Postgres cluster of its own (or uses TEMPORAL_ADDRESS / DATABASE_URL) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh

step "Linting (eslint: floating promises, sealed workflow code)"
npx eslint .

step "Running the test suite"
mkdir -p .data
rm -f .data/jest-results.json
status=0
npx jest --json --outputFile=.data/jest-results.json "$@" || status=$?
# One closing line any CI can read, whatever jest printed above it.
if [ -f .data/jest-results.json ]; then
  node -e '
    const r = require("./.data/jest-results.json");
    if (r.numRuntimeErrorTestSuites) console.log(`\n${r.numRuntimeErrorTestSuites} test files could not run (see above)`);
    console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  '
else
  echo "tests: jest wrote no results" >&2
  [ "$status" != 0 ] || status=1
fi
exit $status
