# Sourced by the project's scripts: non-interactive settings for every tool they call.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# The registry mirror reachable here serves pnpm without npm's signing keys; corepack still
# checks each tarball against the registry's integrity hash.
export COREPACK_INTEGRITY_KEYS=0
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=${NX_SKIP_NX_CACHE:-false}
export CARGO_TERM_COLOR=never
# pnpm: every command we write says `corepack pnpm`, which needs nothing enabled. nx's run-script
# executor alone spells a bare `pnpm`, so corepack's own shim goes into a folder of the project's,
# never into the machine's PATH, whatever `corepack enable`/`disable` was done on this machine.
if [ ! -e target/corepack-bin/pnpm ]; then
  mkdir -p target/corepack-bin
  corepack enable --install-directory target/corepack-bin pnpm
fi
export PATH="$PWD/target/corepack-bin:$PWD/node_modules/.bin:$PATH"
