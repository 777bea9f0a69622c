# Runs the workspace's tests; a test that fails is run once more, alone,
# and the whole check fails unless it then passes. Sourced by ops/test.
#
# Why: the tests drive real peers, a real database and real timers on a
# shared 2-core machine, and CI is all-or-nothing. A behaviour that is
# broken fails both runs; a test that lost a race with the machine once is
# reported loudly as FLAKY (so it gets fixed) instead of sinking every
# other change. Build failures, crashes and more than a few failures are
# never re-run.

# Most failures that are re-run; more means something is really broken.
readonly MAX_RERUN=3

run_tests_once_more() {
  local log
  log=$(mktemp)
  if cargo test --workspace --locked --no-fail-fast "$@" 2>&1 | tee "$log"; then
    rm -f "$log"
    return 0
  fi
  local -a failed
  mapfile -t failed < <(sed -n 's/^test \([A-Za-z0-9_:]*\) \.\.\. FAILED$/\1/p' "$log" | sort -u)
  local listed
  listed=$(grep -c ' \.\.\. FAILED$' "$log" || true)
  if ((${#failed[@]} == 0 || ${#failed[@]} > MAX_RERUN || listed != ${#failed[@]})) ||
    grep -qE '^error(\[E[0-9]+\])?: (could not compile|failed to run)|\(signal: [0-9]+' "$log"; then
    echo "ops/test: tests failed (not re-run: build failure, crash, a doc test or more than $MAX_RERUN failures)" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "ops/test: ${#failed[@]} test(s) failed; running them once more, alone: ${failed[*]}" >&2
  local rerun
  rerun=$(mktemp)
  if cargo test --workspace --locked "$@" -- --exact --test-threads 1 "${failed[@]}" 2>&1 | tee "$rerun" &&
    ! grep -q ' \.\.\. FAILED$' "$rerun" &&
    (($(grep -c ' \.\.\. ok$' "$rerun") >= ${#failed[@]})); then
    rm -f "$rerun"
    local name
    for name in "${failed[@]}"; do
      echo "FLAKY: $name failed once and passed when run again" >&2
    done
    return 0
  fi
  rm -f "$rerun"
  echo "ops/test: failed again: ${failed[*]}" >&2
  return 1
}
