# Step 4: tighten a key's rate limit, make rapid calls: 429 + Retry-After,
# the throttle counter rises, api_rate_limit_guard degraded; restore the
# limit and see it recover. Sourced by ops/runbook.

say "step 4: throttling"
series='revaer_api_rate_limit_throttled_total{scope="key"}'
throttled_before=$(metric "$series")
revaer keys update "$OPS_ID" --burst 2 --per-seconds 3600 >/dev/null || fail "revaer keys update: tightening the limit"
# The rapid calls with curl, not the CLI: the 429 and its Retry-After
# header are the point, and the CLI would wait them out and send again.
refused=0
retry_after=""
for _ in $(seq 1 30); do
  raw_get ops '/v1/torrents?limit=1'
  if [[ $(status) == 429 ]]; then
    refused=$((refused + 1))
    retry_after=$(awk 'tolower($1) == "retry-after:" {print $2}' "$WORK/headers" | tr -d '\r')
  fi
done
((refused >= 25)) || fail "only $refused of 30 rapid calls were refused with 429"
[[ "$retry_after" =~ ^[0-9]+$ ]] || fail "a 429 without a Retry-After header"
throttled_after=$(metric "$series")
((throttled_after >= throttled_before + refused)) || fail "$series went $throttled_before -> $throttled_after for $refused refusals"
[[ $(component_status api_rate_limit_guard) == degraded ]] || fail "api_rate_limit_guard is not degraded: $(health_full)"
[[ $(metric 'revaer_component_healthy{component="api_rate_limit_guard"}') == 0 ]] || fail "revaer_component_healthy does not show the guard degraded"

revaer keys update "$OPS_ID" --burst 1000 --per-seconds 60 >/dev/null || fail "revaer keys update: restoring the limit"
raw_get ops '/v1/torrents?limit=1'
expect_status 200
guard_ok() { [[ $(component_status api_rate_limit_guard) == ok ]]; }
# It recovers after a quiet minute without throttling.
wait_for "api_rate_limit_guard to recover" 120 guard_ok
say "step 4 ok: $refused refusals (Retry-After $retry_after s), guard degraded, then recovered"
