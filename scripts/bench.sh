#!/usr/bin/env bash
# Measures, each in one run against its own stack: the console's checks page with 10,000 checks;
# then issue 8's figures P1-P6 (the ingress against a bare Temporal start, acknowledgement under
# load, bursts and fairness, invitation latency, sleeping runs, Lever calls), each beside its goal,
# in one table.
# Usage: npm run bench [-- --quick | --full]
# (--quick, the default, takes about 8 minutes on 2 cores; --full about 25)
# P1 alone: node dist/test/bench/ingress-latency.js [requests per side and row] [levels, e.g. 1,10,50]
# one burst alone: node dist/test/bench/burst.js <candidates> <workers> <connections> [bystanders]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
size=--quick
[[ "${1:-}" == --full || "${1:-}" == --quick ]] && { size=$1; shift; }
step "Benchmarking the console's checks page with 10,000 checks"
node dist/test/bench/console-checks.js
step "Benchmarking the ingress, load, bursts, sleeping runs and Lever calls ($size)"
exec node dist/test/bench/run.js "$size"
