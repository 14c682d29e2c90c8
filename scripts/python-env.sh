#!/usr/bin/env bash
# The project's one Python venv (.venv) with every pinned requirement: the model tools, the pip
# package's build and test tools, and the docs site's. Reinstalls only when a requirements file
# changed since the last install (a stamp of their contents), so the usual run stays offline.
# Called by scripts/setup.sh and by docs/scripts/build.sh (`make docs` alone).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  printf '\n== python venv\n' >&2
  python3 -m venv .venv
fi
reqs=(tools/models/requirements.txt packages/python-gen/requirements-dev.txt docs/requirements.txt)
if ! cat "${reqs[@]}" | cmp -s - .venv/.requirements.stamp; then
  printf '\n== pip install -r %s\n' "${reqs[*]}" >&2
  .venv/bin/pip install -q --disable-pip-version-check "${reqs[@]/#/-r}"
  cat "${reqs[@]}" > .venv/.requirements.stamp
fi
