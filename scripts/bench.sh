#!/usr/bin/env bash
# Throughput benchmarks (figures, not tests) of every package that has one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
source scripts/env.sh
corepack pnpm exec nx run-many -t bench --parallel=1 --outputStyle=stream --skip-nx-cache
