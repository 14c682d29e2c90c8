#!/usr/bin/env bash
# Generates the tiny test models and the reference vectors the tests compare against, into
# target/testdata (or $MULLAMA_TESTDATA). Deterministic; nothing here is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${MULLAMA_TESTDATA:-target/testdata}
py=.venv/bin/python
mkdir -p "$out/reference"
$py tools/models/make_test_models.py --out "$out" >/dev/null
# The tiny cross-encoder converted as a user converts one (mullama-convert on its HF folder):
# what the Node, Python, CLI and server tests rank with; its reference scores are
# reference/variant-bert-reranker.json (reference.py's float64 forward pass).
target/x86_64-unknown-linux-gnu/release/mullama-convert "$out/variants/bert-reranker-hf" "$out/tiny-reranker.gguf" \
  --type f32 --name tiny-reranker >/dev/null
for m in tiny-bert tiny-llama; do
  $py tools/models/reference.py --hf-dir "$out/$m-hf" --texts-file scenarios/reference-texts.json --out "$out/reference/$m.json"
done
# all-MiniLM: tokens from the HF tokenizer and vectors from the numpy forward pass on the real
# weights, to check our converter's GGUF end to end.
minilm=target/models-src/all-MiniLM-L6-v2   # unpacked by scripts/default-model.sh
$py tools/models/reference.py --hf-dir "$minilm" --texts-file scenarios/reference-texts.json --out "$out/reference/all-minilm.json"
# Texts of 300 to 2,000 tokens, cut at max_seq_length (256) as sentence-transformers cuts them:
# what all-minilm must give by default.
$py tools/models/reference.py --hf-dir "$minilm" --texts-file scenarios/corpus/long-texts.json --st-length \
  --out "$out/reference/all-minilm-st-length.json"

# The real-model tier (scripts/default-model.sh and scripts/real-models.sh put them in the store):
# linked in here so the shared scenarios can name them like the tiny models.
store="${MULLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mullama}/models"
for m in all-minilm smollm2-135m gemma3-270m; do
  ln -sfn "$store/$m.gguf" "$out/$m.gguf"
done
# The decoders: tokens from HF `tokenizers` on the GGUF's own vocabulary (gguf_tokenizer.py),
# vectors from the float64 forward pass on the dequantized weights; the F32 copies take
# llama.cpp's 8-bit activation rounding out of the comparison (see dequantize_gguf.py).
for m in smollm2-135m gemma3-270m; do
  [ -s "$out/reference/$m.json" ] ||
    $py tools/models/gguf_reference.py --gguf "$store/$m.gguf" --gguf-tokenizer \
      --texts-file scenarios/reference-texts.json --out "$out/reference/$m.json"
  [ -s "$out/$m-f32.gguf" ] || { $py tools/models/dequantize_gguf.py "$store/$m.gguf" "$out/$m-f32.gguf.tmp" && mv "$out/$m-f32.gguf.tmp" "$out/$m-f32.gguf"; }
  ln -sfn "$m.json" "$out/reference/$m-f32.json"
done
# Token ids of the Unicode-edge corpus from HF `tokenizers`, for the tokenizer parity test.
# Special-token strings in a text stay text (--split-special): mullama never lets input text
# produce control tokens.
for m in all-minilm tiny-bert smollm2-135m gemma3-270m; do
  case $m in
    all-minilm) tok=$minilm ;;
    tiny-bert) tok=$out/tiny-bert-hf ;;
    *) tok=$store/$m.gguf ;;
  esac
  $py tools/models/tokenizer_reference.py --corpus scenarios/corpus/tokenizer-edge.json --tokenizer "$tok" \
    --split-special --out "$out/reference/tokens-$m.json"
done
echo "test data in $out"
