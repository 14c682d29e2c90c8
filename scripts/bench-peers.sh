#!/usr/bin/env bash
# `make bench-peers`: mullama beside llama-server, node-llama-cpp, ONNX Runtime and
# sentence-transformers, interleaved in one run (tools/bench-peers/run.py). Installs what it
# needs first: the test level of set-up, then the peers (tools/bench-peers/setup.sh, several GB
# and a llama.cpp build: never part of `make test`). Writes docs/bench/peers.json and the docs' table,
# docs/snippets/generated/peers-table.md.
# Extra arguments go to run.py, e.g. `make bench-peers ARGS="--reps 1 --skip sentence-transformers"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
bash tools/bench-peers/setup.sh
source scripts/env.sh
# The packages the in-process workers load: the npm package, the wheel (into .venv), the CLI.
corepack pnpm exec nx run-many -t build -p mullama @mullama/python @mullama/cli --outputStyle=stream
python3 tools/bench-peers/run.py --out docs/bench --table docs/snippets/generated/peers-table.md "$@"
