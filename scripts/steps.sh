# Sourced by the set-up scripts: `step TITLE -- COMMAND...` runs one set-up step visibly.
# It prints one line when the step starts and its duration when it ends; the step's own output
# goes to target/setup-logs/<slug>.log, which is printed (once) when the step fails, and then
# set-up stops. Nothing is ever retried behind the user's back.
#
#   step "cargo build (compiles llama.cpp: 6-8 minutes on 2 cores)" -- cargo build --release
STEP_LOGS=${STEP_LOGS:-target/setup-logs}

_step_secs() {
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%dm %02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

step() {
  local title=$1; shift
  [ "${1:-}" = "--" ] && shift
  local slug log start rc
  slug=$(printf '%s' "$title" | sed -E 's/ *\(.*//; s/[^A-Za-z0-9]+/-/g; s/^-|-$//g' | tr 'A-Z' 'a-z')
  mkdir -p "$STEP_LOGS"
  log="$STEP_LOGS/$slug.log"
  start=$(date +%s)
  printf 'setup: %s ...\n' "$title" >&2
  rc=0
  "$@" >"$log" 2>&1 </dev/null || rc=$?
  local took; took=$(_step_secs $(( $(date +%s) - start )))
  if [ "$rc" -ne 0 ]; then
    printf 'setup: FAILED after %s (exit %d): %s\n--- %s ---\n' "$took" "$rc" "$title" "$log" >&2
    cat "$log" >&2
    printf -- '--- end of %s ---\n' "$log" >&2
    exit "$rc"
  fi
  printf 'setup: done in %s: %s\n' "$took" "${title%% (*}" >&2
}
