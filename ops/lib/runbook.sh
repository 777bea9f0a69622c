# Sourced by ops/runbook: the server process, the API over curl, bounded
# waits, metrics and the event log. Every wait has a deadline and every
# curl a --max-time, so a broken server fails the runbook instead of
# hanging it.
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
  wait_for "revaerd (run $RUN) to answer /health" 30 \
    bash -c "kill -0 $REVAERD_PID 2>/dev/null || exit 2; curl -sf --max-time 2 '$BASE/health' >/dev/null"
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

# The event stream of the current run, appended to events.RUN.log.
follow_events() {
  [[ -n "${ADMIN:-}" ]] || return 0
  curl -sN --max-time 1800 -H "x-api-key: $ADMIN" "$BASE/v1/events" >>"$WORK/events.$RUN.log" 2>/dev/null &
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

# api METHOD PATH [JSON] [KEY]: prints the body; HTTP status in $WORK/status.
api() {
  local method=$1 path=$2 body=${3:-} key=${4:-$ADMIN}
  local args=(-s --max-time 15 -X "$method" -H "x-api-key: $key" -o "$WORK/body" -w '%{http_code}' -D "$WORK/headers")
  [[ -n "$body" ]] && args+=(-H 'content-type: application/json' -d "$body")
  curl "${args[@]}" "$BASE$path" >"$WORK/status" || echo 000 >"$WORK/status"
  cat "$WORK/body"
}

status() { cat "$WORK/status"; }

# expect_status CODE: the last api call's status.
expect_status() {
  [[ $(status) == "$1" ]] || fail "expected HTTP $1, got $(status): $(head -c 400 "$WORK/body")"
}

health_full() { curl -s --max-time 10 "$BASE/health/full"; }

# metric SERIES: the sum of the samples whose name{labels} starts with SERIES.
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
detail() { api GET "/v1/torrents/$1"; }

component_status() { health_full | jq -r ".components.\"$1\".status"; }
