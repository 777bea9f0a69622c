# Sourced by ops/runbook: the server process, the API through the `revaer`
# CLI (curl only where raw HTTP is the point), bounded waits, metrics and
# the event log. Every wait has a deadline and every request a timeout
# (the CLI's --timeout, curl's --max-time), so a broken server fails the
# runbook instead of hanging it.
#
# Expects: WORK, BIN (release binaries), DATABASE_URL, HTTP_PORT, BASE.

fail() {
  echo "ops/runbook: FAILED: $*" >&2
  exit 1
}

say() {
  printf '[%4ds] %s\n' "$((SECONDS - RUNBOOK_STARTED))" "$*"
}

# revaerd runs unprivileged: as root, as `nobody`, so file permissions (the
# read-only library of step 5) apply to it as they would in production.
# A command prefix, not a function: a backgrounded function would be a
# subshell, and $! its pid rather than the server's.
SERVICE_USER=()
if [[ $(id -u) -eq 0 ]]; then
  SERVICE_USER=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi

RUN=0
start_revaerd() {
  RUN=$((RUN + 1))
  "${SERVICE_USER[@]}" env -C "$WORK" DATABASE_URL="$DATABASE_URL" RUST_LOG="${RUST_LOG:-info}" \
    "$BIN/revaerd" --bind "127.0.0.1:$HTTP_PORT" --workers 2 >"$WORK/revaerd.$RUN.out" 2>"$WORK/revaerd.$RUN.log" &
  REVAERD_PID=$!
  # `|| exit 1`: any failure of the CLI means "not yet" (its exit code 2
  # would make wait_for give up).
  wait_for "revaerd (run $RUN) to answer /health" 30 \
    bash -c "kill -0 $REVAERD_PID 2>/dev/null || exit 2; '$BIN/revaer' --url '$BASE' --timeout 2 health >/dev/null 2>&1 || exit 1"
  follow_events
}

# SIGTERM by default; `stop_revaerd KILL` to crash it.
stop_revaerd() {
  local signal=${1:-TERM}
  [[ -n "${REVAERD_PID:-}" ]] || return 0
  local waited=0 rc=0
  # The braces also silence bash's "Killed" job report.
  {
    kill "-$signal" "$REVAERD_PID" || true
    while kill -0 "$REVAERD_PID" && ((waited < 150)); do
      sleep 0.2
      waited=$((waited + 1))
    done
    kill -KILL "$REVAERD_PID" || true
    wait "$REVAERD_PID" || rc=$?
  } 2>/dev/null
  ((waited < 150)) || fail "revaerd ignored SIG$signal for 30 s"
  [[ "$signal" != TERM ]] || ((rc == 0)) || fail "revaerd exited with status $rc on SIGTERM"
  REVAERD_PID=""
  stop_follower
}

# The event stream of the current run, appended to events.RUN.log: raw SSE
# frames through curl on purpose (`revaer tail` reconnects and resumes by
# itself; the runbook wants exactly what each server run sent).
follow_events() {
  [[ -f "$WORK/keys/admin.header" ]] || return 0
  curl -sN --max-time 1800 -H @"$WORK/keys/admin.header" "$BASE/v1/events" >>"$WORK/events.$RUN.log" 2>/dev/null &
  FOLLOWER_PID=$!
}

stop_follower() {
  if [[ -n "${FOLLOWER_PID:-}" ]]; then
    kill "$FOLLOWER_PID" 2>/dev/null || true
    wait "$FOLLOWER_PID" 2>/dev/null || true
    FOLLOWER_PID=""
  fi
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND every 0.2 s; exit code 2
# from it fails at once (e.g. the server died). No wait outlives the
# runbook's own deadline (RUNBOOK_TIMEOUT).
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds)) rc
  while true; do
    rc=0
    "$@" || rc=$?
    ((rc == 0)) && return 0
    ((rc == 2)) && fail "while waiting for $what: gave up (see $WORK)"
    ((SECONDS < deadline)) || fail "timed out after ${seconds}s waiting for $what"
    ((SECONDS - RUNBOOK_STARTED < RUNBOOK_TIMEOUT)) || fail "stopped after ${RUNBOOK_TIMEOUT}s (RUNBOOK_TIMEOUT) waiting for $what"
    sleep 0.2
  done
}

# Secrets never go on a command line, where ps shows them to every user:
# each key (admin, ops) is kept in $WORK/keys, mode 0600, as KEY (for the
# CLI's --api-key-file) and KEY.header (for curl's -H @FILE).
store_key() {
  local name=$1 key=$2
  [[ -n "$key" && "$key" != null ]] || fail "no API key to store as $name"
  (
    umask 077
    mkdir -p "$WORK/keys"
    printf '%s\n' "$key" >"$WORK/keys/$name"
    printf 'x-api-key: %s\n' "$key" >"$WORK/keys/$name.header"
  )
}

# revaer ARGS...: the installed CLI against this server, as the admin once
# step 1 has stored its key. Errors go to stderr; add `-o json` and jq to
# read values.
revaer() {
  local key=()
  [[ -f "$WORK/keys/admin" ]] && key=(--api-key-file "$WORK/keys/admin")
  "$BIN/revaer" --url "$BASE" --timeout 15 "${key[@]}" "$@"
}

# query ARGS...: `revaer ARGS -o json` for polls, its errors (expected
# while waiting, e.g. during an outage) logged to revaer.log, not shown.
query() { revaer "$@" -o json 2>>"$WORK/revaer.log"; }

# raw_get KEY PATH: GET as KEY (admin|ops); the body in $WORK/body, the
# headers in $WORK/headers, the HTTP status in $WORK/status. curl, not the
# CLI: for checks of raw HTTP behaviour (status codes, Retry-After) that
# the CLI interprets away (it waits out a 429 and sends again).
raw_get() {
  curl -s --max-time 15 -H @"$WORK/keys/$1.header" -o "$WORK/body" -w '%{http_code}' -D "$WORK/headers" \
    "$BASE$2" >"$WORK/status" || echo 000 >"$WORK/status"
}

status() { cat "$WORK/status"; }

# expect_status CODE: the last raw_get's status.
expect_status() {
  [[ $(status) == "$1" ]] || fail "expected HTTP $1, got $(status): $(head -c 400 "$WORK/body")"
}

# /health/full as JSON. Exit code 3 (not ready: a 503, or unreachable) is
# a state to look at, not an error: the report is printed all the same.
health_full() { query health --full || (($? == 3)); }

# metric SERIES: the sum of the samples whose name{labels} starts with SERIES.
# curl: the CLI has no command for the Prometheus exposition.
metric() {
  curl -s --max-time 10 "$BASE/metrics" | awk -v s="$1" 'index($0, s) == 1 && $0 !~ /^#/ {sum += $NF} END {printf "%.0f\n", sum}'
}

# event_count RUN TYPE TORRENT: matching events seen in a run's stream.
event_count() {
  local file="$WORK/events.$1.log"
  [[ -f "$file" ]] || { echo 0; return; }
  # -R and fromjson?: the last line may still be half written.
  sed -n 's/^data: //p' "$file" | jq -cR --arg t "$2" --arg id "$3" 'fromjson? | select(.type == $t and .torrent == $id)' | wc -l
}

has_event() { (($(event_count "$RUN" "$1" "$2") > 0)); }

# The detail of torrent ID, as JSON.
detail() { query status "$1"; }

component_status() { health_full | jq -r ".components.\"$1\".status"; }
