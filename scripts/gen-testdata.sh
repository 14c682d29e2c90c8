#!/usr/bin/env bash
# Generates the tiny test models and the reference vectors the tests compare against, into
# target/testdata (or $MULLAMA_TESTDATA). Deterministic; nothing here is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${MULLAMA_TESTDATA:-target/testdata}
py=.venv/bin/python
mkdir -p "$out/reference"
$py tools/models/make_test_models.py --out "$out" >/dev/null
for m in tiny-bert tiny-llama; do
  $py tools/models/reference.py --hf-dir "$out/$m-hf" --texts-file scenarios/reference-texts.json --out "$out/reference/$m.json"
done
# all-MiniLM: tokens from the HF tokenizer and vectors from the numpy forward pass on the real
# weights, to check our converter's GGUF end to end.
minilm=target/models-src/all-MiniLM-L6-v2   # unpacked by scripts/default-model.sh
$py tools/models/reference.py --hf-dir "$minilm" --texts-file scenarios/reference-texts.json --out "$out/reference/all-minilm.json"
echo "test data in $out"
