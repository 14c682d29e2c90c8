#!/usr/bin/env bash
# The docs' test (nx `docs:test`, part of `make test`), after the workspace is built:
#  1. generated pages are current: the API reference (TypeDoc, .pyi, --help) and the benchmark
#     table and chart (from docs/bench/throughput.json);
#  2. every snippet file runs and passes, in each language: Node.js, Rust and CLI under vitest,
#     Python under pytest; each pass is written to a ledger (target/docs-ledger);
#  3. the docs check: every tab includes one executed region, no region is unshown, and every
#     public API item and CLI command appears in the snippets of every language;
#  4. the site builds (mkdocs --strict, rustdoc) and renders with working tabs in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
step() { printf '\n== docs: %s\n' "$*" >&2; }

step "generated pages are current"
node docs/scripts/reference.mjs --check
node docs/scripts/bench-table.mjs --check

step "snippets: Node.js, Rust, CLI"
rm -rf target/docs-ledger
(cd docs && corepack pnpm exec vitest run test/snippets.test.mjs)

step "snippets: Python"
(cd docs && ../.venv/bin/python -m pytest test/test_snippets.py -q -p no:cacheprovider)

step "docs check"
node docs/scripts/check.mjs

step "site build and headless Chromium"
bash docs/scripts/build.sh
(cd docs && corepack pnpm exec vitest run test/site.test.mjs)
