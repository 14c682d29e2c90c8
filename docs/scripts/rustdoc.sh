#!/usr/bin/env bash
# rustdoc.sh OUT_DIR: the rustdoc HTML of the `mullama` crate (and `mullama-core`, which it
# re-exports from) into OUT_DIR, so that OUT_DIR/mullama/index.html exists. docs/pages/api/rust.md
# links to it as rust/mullama/..., i.e. the site build copies it to <site>/api/rust.
#
# --release: `cargo doc` still runs the build scripts of its dependencies, and llama-cpp-sys-2's
# compiles llama.cpp (minutes). Under the release profile (same profile, target triple and
# RUSTFLAGS from .cargo/config.toml as `napi build --release` / `maturin build --release`) the
# build script's output is reused: only `cargo check`-style metadata and rustdoc run, a few seconds.
# --lib: the crates' binaries (mullama-convert, mullama-bench) are not API.
# --cap-lints warn: rustdoc's warnings (broken intra-doc links) are printed but never fatal, even
# where RUSTDOCFLAGS or the crate deny them.
set -euo pipefail
out=${1:?usage: docs/scripts/rustdoc.sh OUT_DIR}
cd "$(dirname "$0")/../.."
source scripts/env.sh

# The pinned build target (.cargo/config.toml) puts artifacts, docs included, under target/<triple>/.
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).target_directory)')
doc="$target_dir/x86_64-unknown-linux-gnu/doc"
# Start from an empty doc folder: rustdoc merges its crate list and search index with whatever an
# earlier `cargo doc` left there (other crates, binaries), and cargo regenerates missing output.
rm -rf "$doc"
RUSTDOCFLAGS="${RUSTDOCFLAGS:-} --cap-lints warn" \
  cargo doc --release --lib --no-deps -p mullama -p mullama-core
test -f "$doc/mullama/index.html" || { echo "rustdoc.sh: $doc/mullama/index.html was not written" >&2; exit 1; }

mkdir -p "$out"
cp -r "$doc/." "$out/"
echo "rustdoc.sh: rustdoc for mullama and mullama-core in $out"
