#!/usr/bin/env bash
# The main job: embed a text with the default model (set-up first, quietly, if needed).
#   scripts/embed.sh [MODEL] [TEXT]     (defaults: all-minilm "Hello, world!")
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh 2>/dev/null >/dev/null || bash scripts/setup.sh
exec target/x86_64-unknown-linux-gnu/release/examples/embed "${1:-all-minilm}" "${2:-Hello, world!}"
