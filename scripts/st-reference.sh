#!/usr/bin/env bash
# sentence-transformers' own source, as the reference of the quantization tests: the PyPI wheel,
# sha256-checked and downloaded without its dependencies (nothing is installed: importing it
# would need torch). packages/python-gen/tests/test_quantize_reference.py reads
# `quantize_embeddings` out of the wheel and runs it with numpy on our float vectors.
# Idempotent: skipped when the wheel is there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=target/st-reference
wheel=$dest/sentence_transformers-5.1.2-py3-none-any.whl
[ -s "$wheel" ] && exit 0
mkdir -p "$dest"
printf 'sentence-transformers==5.1.2 --hash=sha256:724ce0ea62200f413f1a5059712aff66495bc4e815a1493f7f9bca242414c333\n' > "$dest/requirements.txt"
python3 -m pip download --no-deps --require-hashes --disable-pip-version-check --progress-bar off \
  -r "$dest/requirements.txt" -d "$dest" >&2
