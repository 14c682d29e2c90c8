#!/usr/bin/env bash
# The main job: embed a text with the default model, after the set-up it needs (`setup.sh embed`,
# which prints each step and its time, and puts `mullama` on PATH).
#   scripts/embed.sh [MODEL] [TEXT]     (defaults: all-minilm "Hello, world!")
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh embed
exec target/x86_64-unknown-linux-gnu/release/examples/embed "${1:-all-minilm}" "${2:-Hello, world!}"
