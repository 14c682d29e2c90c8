# Sourced by the project's scripts: non-interactive settings for every tool they call.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# The registry mirror reachable here serves pnpm without npm's signing keys; corepack still
# checks each tarball against the registry's integrity hash.
export COREPACK_INTEGRITY_KEYS=0
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-false}
export CARGO_TERM_COLOR=never
export PATH="$PWD/node_modules/.bin:$PATH"
