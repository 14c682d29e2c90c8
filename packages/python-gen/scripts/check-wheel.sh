#!/usr/bin/env bash
# Builds the release wheel (target/wheels), installs it with pip into a fresh venv outside the
# workspace, and runs the spec's basic example there against the default model.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
model="${MULLAMA_HOME:-$HOME/.cache/mullama}/models/all-minilm.gguf"
(cd "$here" && "$root/.venv/bin/maturin" build --release)
wheel="$(ls -t "$root"/target/wheels/mullama-*.whl | head -1)"
tmp="$(mktemp -d /tmp/mullama-wheel.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
python3.11 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "$wheel"
ln -s "$model" "$tmp/embedding-model.gguf"
cat > "$tmp/basic.py" <<'PY'
from mullama import Model, Context, ContextParams

model = Model.load("./embedding-model.gguf")
context = Context(model, ContextParams(embeddings=True))

embedding = context.get_embedding("Hello, world!")
print(f"Dimension: {embedding.dimension}")
print(f"Vector (first 5): {embedding.data[:5]}")
PY
out="$(cd "$tmp" && "$tmp/venv/bin/python" basic.py)"
echo "$out"
grep -q "Dimension: 384" <<<"$out"
echo "wheel $(basename "$wheel") OK in a fresh venv"
