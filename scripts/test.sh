#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, test models, then every package's tests
# through nx (cargo for the Rust crates, the model tools' self-check, and more as they come).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
bash scripts/gen-testdata.sh
corepack pnpm exec nx run-many -t test --parallel=1 --outputStyle=stream --skip-nx-cache
