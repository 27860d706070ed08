#!/usr/bin/env bash
# P1: the ingress's acknowledgement latency against a bare Temporal start at 1, 10 and 50 concurrent, then
# the console's checks page with 10,000 checks against a signed-in page that reads nothing.
# Usage: npm run bench [-- <requests per side and row> <concurrency levels, default 1,10,50>]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
step "Benchmarking the webhook ingress (own Temporal dev server and Postgres)"
node dist/test/bench/ingress-latency.js "$@"
step "Benchmarking the console's checks page with 10,000 checks"
exec node dist/test/bench/console-checks.js
