#!/usr/bin/env bash
# The one command that builds the documentation site as static HTML into target/docs-site
# (`make docs`). Safe to rerun: mkdocs rewrites site_dir from scratch each time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."   # repo root, wherever we are called from
source scripts/env.sh

SITE=target/docs-site

# Python tools (mkdocs and its theme) in the project venv, installed only when missing.
bash scripts/python-env.sh

# 1. Markdown pages -> HTML. strict: a broken link, nav entry or snippet include fails the build.
#    Run from docs/: pymdownx.snippets resolves its base_path (snippets, pages) against the cwd.
#    No --quiet: in mkdocs 1.6.1 it stops strict mode counting warnings (a broken link exits 0).
#    So drop the INFO lines ourselves, and the theme's end-of-life banner.
export NO_MKDOCS_2_WARNING=1
(cd docs && ../.venv/bin/mkdocs build --strict -f mkdocs.yml 2>&1) | { grep -v '^INFO ' || true; } >&2

# 2. The Rust API reference (rustdoc). After mkdocs, because mkdocs empties site_dir first.
bash docs/scripts/rustdoc.sh "$SITE/api/rust"

echo "docs: site built in $SITE/index.html" >&2
