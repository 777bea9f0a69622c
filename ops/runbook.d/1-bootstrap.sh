# Step 1: bootstrap from an empty database; /health/full all ok.
# Sourced by ops/runbook.

say "step 1: bootstrap from an empty database"
"${SERVICE_USER[@]}" env -C "$WORK" DATABASE_URL="$DATABASE_URL" "$BIN/revaerd" migrate >"$WORK/migrate.log" 2>&1 \
  || { cat "$WORK/migrate.log" >&2; fail "revaerd migrate"; }
# Loopback only: the engine must never open a public port or join the DHT,
# and it reads these before it starts. TCP only, so a killed server's
# connection is gone at once for the seeder (uTP would linger).
private_pg_psql revaer "UPDATE engine_profile SET listen_interface = '127.0.0.1',
  listen_port = $ENGINE_PORT, dht = false, lsd = false, pex = false, peer_protocol = 'tcp'"
start_revaerd
[[ $(curl -s --max-time 5 "$BASE/health" | jq -r .mode) == setup ]] || fail "a fresh database does not boot in setup mode"

TOKEN=$(curl -sf --max-time 15 -X POST "$BASE/v1/setup/start" | jq -r .token)
[[ -n "$TOKEN" && "$TOKEN" != null ]] || fail "no setup token"
setup_body=$(jq -n --arg token "$TOKEN" --arg dl "$DOWNLOADS" --arg lib "$LIBRARY" --arg resume "$WORK/srv/resume" \
  '{token: $token, instance_name: "runbook", download_root: $dl, library_root: $lib, resume_dir: $resume, api_key_label: "admin"}')
ADMIN=$(api POST /v1/setup/complete "$setup_body" none | jq -r .api_key)
expect_status 201
follow_events

engine_ready() { [[ $(health_full | jq -r .components.engine.facts.ready) == true ]]; }
wait_for "the engine to start after setup" 30 engine_ready
all_ok() {
  local health
  health=$(health_full)
  [[ $(jq -r .status <<<"$health") == ok && $(jq -r '.degraded | length' <<<"$health") == 0 ]] \
    && jq -e '[.components[] | .status == "ok"] | all' <<<"$health" >/dev/null
}
wait_for "/health/full to report every component ok" 30 all_ok

# FsOps as an operator would set it: hard links into the library (the
# engine keeps seeding the originals), group-readable files.
api PATCH /v1/config '{"fs_policy": {"move_mode": "hardlink", "chmod_file": "640", "chmod_dir": "750"}}' >/dev/null
expect_status 200
# A second key, for step 4.
OPS=$(api POST /v1/keys '{"label": "ops", "rate_limit": {"burst": 1000, "per_seconds": 60}}')
expect_status 201
OPS_KEY=$(jq -r .api_key <<<"$OPS")
OPS_ID=$(jq -r .key_id <<<"$OPS")
say "step 1 ok: set up, every component ok"
