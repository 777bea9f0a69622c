# Step 6: restart PostgreSQL under the running server (stop, then start, so
# the outage is observable): /health answers 503 and recovers, and a config
# change made while the server was cut off from its notifications is
# applied. Sourced by ops/runbook.

say "step 6: PostgreSQL restart"
private_pg_stop
# /health's status code through curl: the 503 itself is what a load
# balancer or container healthcheck sees (`revaer health` maps it, and an
# unreachable server alike, to exit code 3).
health_503() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/health") == 503 ]]; }
wait_for "/health to report the outage" 30 health_503
[[ $(component_status database) == degraded ]] || fail "/health/full does not show the database degraded"
private_pg_start
# Made at once, while the config watcher is still reconnecting: its
# NOTIFY reaches nobody, so only catching up by revision can apply it.
private_pg_psql revaer "UPDATE engine_profile SET max_download_bps = 7777777"
wanted=$(private_pg_psql revaer "SELECT revision FROM settings_revision WHERE id = 1")
health_200() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/health") == 200 ]]; }
wait_for "/health to recover" 60 health_200
applied() { [[ $(query config get engine_profile.max_download_bps) == 7777777 ]]; }
wait_for "the change made during the outage to be applied" 90 applied
[[ $(metric revaer_config_revision) -ge $wanted ]] || fail "revaer_config_revision is below $wanted"
say "step 6 ok: outage reported, recovered, revision $wanted applied"
