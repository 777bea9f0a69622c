# Sourced by ops scripts that measure or probe a running server.
#
# start_loopback_server BINARY PORT DB_NAME
#   Recreates database DB_NAME, migrates it and points the engine at
#   127.0.0.1 (port 0) with DHT, LSD and PEX off before the engine starts, so
#   nothing leaves the machine; starts BINARY on 127.0.0.1:PORT (log in
#   $WORK/revaerd.log), completes setup, waits until the engine is ready and
#   creates a key whose bucket never runs dry. Sets WORK, BASE, SERVER_PID,
#   ADMIN and KEY, and stops the server and removes $WORK on exit.
#   Needs curl, jq and psql; DATABASE_URL must name DB_NAME.

start_loopback_server() {
  local binary=$1 port=$2 db_name=$3
  WORK=$(mktemp -d)
  BASE="http://127.0.0.1:${port}"
  SERVER_PID=""
  trap stop_loopback_server EXIT

  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${db_name} WITH (FORCE)" >/dev/null
  "$binary" migrate >/dev/null 2>&1
  psql -h 127.0.0.1 -U postgres -d "$db_name" -qc \
    "UPDATE engine_profile SET listen_interface = '127.0.0.1', listen_port = 0, dht = false, lsd = false, pex = false" >/dev/null

  RUST_LOG="${RUST_LOG:-warn}" "$binary" --bind "127.0.0.1:${port}" >"$WORK/revaerd.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$BASE/health" >/dev/null && break
    sleep 0.1
  done

  local token
  token=$(curl -sf -X POST "$BASE/v1/setup/start" | jq -r .token)
  ADMIN=$(curl -sf -X POST "$BASE/v1/setup/complete" -H 'content-type: application/json' -d "{
    \"token\": \"$token\", \"instance_name\": \"ops\",
    \"download_root\": \"$WORK/downloads\", \"library_root\": \"$WORK/library\",
    \"resume_dir\": \"$WORK/resume\", \"api_key_label\": \"admin\"}" | jq -r .api_key)
  # The engine starts once setup is complete (it waits in setup mode).
  for _ in $(seq 1 300); do
    [[ $(curl -sf "$BASE/health/full" | jq -r .components.engine.facts.ready) == true ]] && break
    sleep 0.1
  done
  KEY=$(curl -sf -X POST "$BASE/v1/keys" -H "x-api-key: $ADMIN" -H 'content-type: application/json' \
    -d '{"label": "ops", "rate_limit": {"burst": 1000000, "per_seconds": 1}}' | jq -r .api_key)
}

stop_loopback_server() {
  if [[ -n "${SERVER_PID:-}" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "${WORK:-}" ]]; then
    rm -rf "$WORK"
  fi
}
