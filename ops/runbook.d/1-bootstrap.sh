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
[[ $(query health | jq -r .mode) == setup ]] || fail "a fresh database does not boot in setup mode"

# The setup token and the first key are secrets: the token goes to
# `setup complete` in the environment, the key straight into a 0600 file
# (store_key), never as arguments.
TOKEN=$(revaer setup start -o json | jq -r .token) || fail "revaer setup start"
[[ -n "$TOKEN" && "$TOKEN" != null ]] || fail "no setup token"
setup=$(REVAER_SETUP_TOKEN=$TOKEN revaer setup complete -o json --instance-name runbook \
  --download-root "$DOWNLOADS" --library-root "$LIBRARY" --resume-dir "$WORK/srv/resume" --key-label admin) \
  || fail "revaer setup complete"
store_key admin "$(jq -r .api_key <<<"$setup")"
unset TOKEN setup
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
# engine keeps seeding the originals), group-readable files. Quoted, so the
# modes stay the strings the API takes ("640"), not JSON numbers.
revaer config set fs_policy.move_mode=hardlink 'fs_policy.chmod_file="640"' 'fs_policy.chmod_dir="750"' >/dev/null \
  || fail "revaer config set fs_policy"
# A second key, for step 4.
ops=$(revaer keys add ops --burst 1000 --per-seconds 60 -o json) || fail "revaer keys add ops"
OPS_ID=$(jq -r .key_id <<<"$ops")
store_key ops "$(jq -r .api_key <<<"$ops")"
unset ops
say "step 1 ok: set up, every component ok"
