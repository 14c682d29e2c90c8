#!/usr/bin/env bash
# Puts the `mullama` command on PATH: a link to this checkout's CLI build
# (packages/cli/dist/cli.mjs, which finds the npm package mullama and its native binding in the
# workspace), the same command `npm install -g` of the CLI would give.
# The folder is $MULLAMA_BIN_DIR if set, else the first of ~/.local/bin, ~/bin and
# /usr/local/bin that is on PATH and writable, else ~/.local/bin with a note to add it to PATH.
# The latest checkout to run this owns the link.
set -euo pipefail
cd "$(dirname "$0")/.."
cli="$PWD/packages/cli/dist/cli.mjs"
test -x "$cli" || { echo "link-cli: $cli is missing: build the CLI first" >&2; exit 1; }

on_path() { case ":$PATH:" in *":$1:"*) return 0 ;; *) return 1 ;; esac; }
bin=${MULLAMA_BIN_DIR:-}
if [ -z "$bin" ]; then
  for d in "$HOME/.local/bin" "$HOME/bin" /usr/local/bin; do
    if on_path "$d" && { [ -w "$d" ] || { [ ! -e "$d" ] && [ -w "$(dirname "$d")" ]; }; }; then bin=$d; break; fi
  done
fi
bin=${bin:-$HOME/.local/bin}
mkdir -p "$bin"
ln -sfn "$cli" "$bin/mullama"
echo "mullama -> $bin/mullama"
if ! on_path "$bin"; then
  echo "note: $bin is not on PATH; add it (e.g. echo 'export PATH=\"$bin:\$PATH\"' >> ~/.profile)"
fi
