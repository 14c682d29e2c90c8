#!/usr/bin/env bash
# Load and soak benchmarks (figures, not tests; not part of `make test`):
#   1. packages/cli/bench/load.mjs           `mullama serve` under 32 clients x 50 requests
#   2. mullama-soak (Rust core)              RSS every 10k embeddings over 100k, then 50 contexts
#   3. packages/node/bench/soak.mjs          the same through Node
#   4. packages/python-gen/bench/soak.py     the same through Python
#   5. packages/cli/bench/soak.mjs           the same through the server (the server's RSS)
# Each runs even when one before it failed; the script exits non-zero if any did (a failed
# request or embedding call, never a time or an RSS figure). Arguments after the script name go to
# every soak (e.g. `--total 20000 --every 2000` for a short run).
# MULLAMA_BENCH_SKIP_BUILD=1 skips set-up and the front ends' build and uses them as they are.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${MULLAMA_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  # What `make bench` does first, then the builds its nx targets depend on (nx caches them).
  bash scripts/setup.sh test || exit 1
  source scripts/env.sh
  corepack pnpm exec nx run-many -t build --projects=mullama,@mullama/cli,@mullama/python --outputStyle=stream || exit 1
else
  source scripts/env.sh
fi
# As the core's `bench` target builds mullama-bench: release profile, the one target dir (target/,
# under the triple that .cargo/config.toml names).
cargo build --release -p mullama-core --bin mullama-soak || exit 1
soak_bin=target/x86_64-unknown-linux-gnu/release/mullama-soak

failed=()
run() {
  local name=$1
  shift
  printf '\n===== %s: %s\n' "$name" "$*"
  "$@" || failed+=("$name")
}

run "load (mullama serve)" node packages/cli/bench/load.mjs
run "soak (Rust core)" "$soak_bin" --contexts 50 "$@"
run "soak (Node)" node --expose-gc packages/node/bench/soak.mjs --contexts 50 "$@"
run "soak (Python)" env PYTHONPATH=packages/python-gen/python .venv/bin/python packages/python-gen/bench/soak.py --contexts 50 "$@"
run "soak (mullama serve)" node packages/cli/bench/soak.mjs "$@"

if [ ${#failed[@]} -gt 0 ]; then
  printf '\nbench-soak: failed: %s\n' "$(IFS=,; echo "${failed[*]}")" >&2
  exit 1
fi
printf '\nbench-soak: all runs finished without a failed request or call\n'
