#!/usr/bin/env bash
# Measures the ingress's acknowledgement latency against a bare Temporal start, in one run.
# Usage: npm run bench [-- <requests per row> <concurrency>]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
step "Benchmarking the webhook ingress (own Temporal dev server and Postgres)"
exec node dist/test/bench/ingress-latency.js "$@"
