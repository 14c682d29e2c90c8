#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up (`setup.sh test`), test models, then every
# package's tests through nx (cargo for the Rust crates, vitest, pytest, the docs, the model tools).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
source scripts/env.sh
source scripts/steps.sh
step "test models and reference vectors (target/testdata)" -- bash scripts/gen-testdata.sh
printf 'test: every package, through nx\n' >&2
corepack pnpm exec nx run-many -t test --parallel=1 --outputStyle=stream --skip-nx-cache
