#!/usr/bin/env bash
# The sdist and the wheel as PyPI would deliver them:
# 1. builds the sdist, and the release wheel from it (so the sdist provably builds from
#    source): maturin --zig links everything, llama.cpp included, against glibc 2.17, which
#    makes the wheel manylinux2014; it carries llama.cpp's shared libraries and every CPU backend
#    inside the `mullama` package (mullama/lib, the extension's rpath; native/build.rs);
# 2. checks it with auditwheel and prints the policy it meets and its size;
# 3. installs it with pip into a fresh venv outside the workspace, runs the spec's Python tab
#    there, and runs it again on an emulated x86-64 without AVX2 (qemu -cpu SandyBridge), where
#    it must pick the Sandy Bridge (AVX, no AVX2/FMA/F16C) backend and give the same vector.
#    (Not an older CPU: numpy 2.4's own wheels need AVX and die on Nehalem before mullama loads;
#    the npm test runs the addon on Nehalem with the SSE4.2 backend.)
# The zig build has its own target folder (target/zig): llama.cpp compiles there once, ~9
# minutes on 2 cores, and is reused afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
model="${MULLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/mullama}/models/all-minilm.gguf"
triple=x86_64-unknown-linux-gnu
policy=manylinux_2_17   # = manylinux2014
zig_target="$root/target/zig"

tmp="$(mktemp -d /tmp/mullama-wheel.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# 1. The sdist, then the wheel built from it.
rm -f "$root"/target/wheels/mullama-*.whl "$root"/target/wheels/mullama-*.tar.gz
(cd "$here" && "$root/.venv/bin/maturin" sdist > /dev/null)
sdist="$(ls "$root"/target/wheels/mullama-*.tar.gz)"
echo "sdist: $(basename "$sdist") $(du -h "$sdist" | cut -f1), $(tar -tzf "$sdist" | wc -l) files"
if tar -tzf "$sdist" | grep -E '\.so(\.[0-9]+)?$'; then echo "sdist carries built libraries" >&2; exit 1; fi
# -m: fresh mtimes. maturin writes every sdist entry with one fixed old date, which cargo, whose
# freshness check of path crates is by mtime, would take for "unchanged since the last build".
mkdir -p "$tmp/src" && tar -xzmf "$sdist" -C "$tmp/src"
# When llama-cpp-sys-2's build script reruns (the zig wrapper it was configured with moved),
# it hard-links its `lib*.so` symlinks into these folders and panics on finding its own
# earlier links there; they are rebuilt from its output anyway.
for d in "" examples deps; do rm -f "$zig_target/$triple/release/$d"/lib{llama,ggml,ggml-base}.so; done
# --auditwheel skip: maturin's repair would copy the libraries a second time under hashed
# names, and the backend modules (dlopened by name, not linked) would then load a second ggml.
# -mevex512: zig turns ggml's -mavx512f into its own CPU feature set, where AVX-512 does not
# imply 512-bit vectors; without it the AVX-512 backends fail to compile.
(cd "$tmp"/src/mullama-* && PATH="$root/.venv/bin:$PATH" CARGO_TARGET_DIR="$zig_target" CMAKE_BUILD_PARALLEL_LEVEL=2 \
  CFLAGS=-mevex512 CXXFLAGS=-mevex512 \
  "$root/.venv/bin/maturin" build --release --zig --compatibility manylinux2014 --auditwheel skip -o "$root/target/wheels" > "$tmp/build.log" 2>&1) \
  || { tail -40 "$tmp/build.log" >&2; exit 1; }
wheel="$(ls "$root"/target/wheels/mullama-*.whl)"

# 2. What auditwheel says of it (it resolves the bundled libraries through their rpath).
tag="$("$root/.venv/bin/auditwheel" show --json "$wheel" | "$root/.venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["overall_tag"])')"
echo "auditwheel: the wheel is consistent with $tag"
[ "$tag" = "${policy}_x86_64" ] || { "$root/.venv/bin/auditwheel" show "$wheel" >&2; exit 1; }
listing="$(unzip -l "$wheel")"
awk 'NR>3 && $4 ~ /\.so/ {n++; s+=$1} END {printf "wheel: %d shared objects, %.1f MB unpacked\n", n, s/1e6}' <<<"$listing"
echo "wheel: $(basename "$wheel") $(du -h "$wheel" | cut -f1)"
for want in mullama/_native.abi3.so mullama/lib/libllama.so.0 mullama/lib/libggml-cpu-sse42.so mullama/lib/libggml-cpu-haswell.so mullama/lib/libggml-cpu-skylakex.so; do
  grep -q " $want$" <<<"$listing" || { echo "wheel lacks $want" >&2; exit 1; }
done

cat > "$tmp/basic.py" <<'PY'
from mullama import Model, Context, ContextParams

model = Model.load("./embedding-model.gguf")
context = Context(model, ContextParams(embeddings=True))

embedding = context.get_embedding("Hello, world!")
print(f"Dimension: {embedding.dimension}")
print(f"Vector (first 5): {embedding.data[:5]}")
PY
cat > "$tmp/vector.py" <<'PY'
import json, sys
from mullama import Model, Context, ContextParams
context = Context(Model.load("./embedding-model.gguf"), ContextParams(embeddings=True))
json.dump([float(x) for x in context.get_embedding("Hello, world!").data], sys.stdout)
PY
ln -s "$model" "$tmp/embedding-model.gguf"

run_tab() { # venv
  local out; out="$(cd "$tmp" && "$1/bin/python" basic.py)"
  echo "$out"
  grep -q "^Dimension: 384$" <<<"$out"
}

# 3. The wheel in a fresh venv, here and on the old CPU.
python3.11 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check "$wheel"
run_tab "$tmp/venv"
(cd "$tmp" && "$tmp/venv/bin/python" vector.py > here.json)
(cd "$tmp" && MULLAMA_LOG=debug qemu-x86_64 -cpu SandyBridge "$tmp/venv/bin/python" vector.py > old.json 2> old.log) || { tail -20 "$tmp/old.log" >&2; exit 1; }
grep -o "loaded CPU backend from [^ ]*" "$tmp/old.log" | grep -q "libggml-cpu-sandybridge.so$" || { echo "qemu: not the Sandy Bridge backend" >&2; grep load_backend "$tmp/old.log" >&2; exit 1; }
"$tmp/venv/bin/python" - "$tmp/here.json" "$tmp/old.json" <<'PY'
import json, math, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
cos = sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
print(f"qemu -cpu SandyBridge (sandybridge backend): {len(b)} dims, cosine to this CPU's vector {cos:.7f}")
assert len(b) == 384 and cos > 0.99999, cos
PY
echo "wheel $(basename "$wheel") OK in a fresh venv and on a pre-AVX2 CPU"
