#!/usr/bin/env bash
# Measures, each in one run against its own stack: the ingress's acknowledgement latency against a
# bare Temporal start (P1); the console's checks page with 10,000 checks; then issue 8's figures
# P2-P6 (acknowledgement under load, bursts, invitation latency, sleeping runs, Lever calls), each
# beside its goal.
# Usage: npm run bench [-- --quick | --full] [<P1 requests per side and row> <P1 concurrency levels, default 1,10,50>]
# (--quick, the default, takes about 11 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
size=--quick
[[ "${1:-}" == --full || "${1:-}" == --quick ]] && { size=$1; shift; }
step "Benchmarking the webhook ingress (own Temporal dev server and Postgres)"
node dist/test/bench/ingress-latency.js "$@"
step "Benchmarking the console's checks page with 10,000 checks"
node dist/test/bench/console-checks.js
step "Benchmarking load, bursts, sleeping runs and Lever calls ($size)"
exec node dist/test/bench/run.js "$size"
