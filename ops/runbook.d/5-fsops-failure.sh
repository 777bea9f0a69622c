# Step 5: a read-only library makes FsOps fail (fsops_failed, fsops
# degraded); after restoring permissions, POST .../fsops/retry recovers.
# Sourced by ops/runbook.

say "step 5: read-only library"
chmod -R a-w "$LIBRARY"
CHARLIE=$(add charlie)
wait_for "charlie's completed event" 60 has_event completed "$CHARLIE"
# The first failed run already degrades fsops; a permission error counts
# as transient, so the job is retried with backoff (5, 10, 20, 40 s) and
# fails for good, with fsops_failed, after its fifth run.
fsops_degraded() { [[ $(component_status fsops) == degraded ]]; }
wait_for "fsops to report degraded" 30 fsops_degraded
wait_for "charlie's fsops_failed event (after 5 runs)" 150 has_event fsops_failed "$CHARLIE"
charlie=$(detail "$CHARLIE")
[[ $(jq -r .fsops.status <<<"$charlie") == failed ]] || fail "charlie's job is not failed: $charlie"

chmod -R u+w "$LIBRARY"
revaer fsops retry "$CHARLIE" >/dev/null || fail "revaer fsops retry"
wait_for "charlie's fsops_completed event" 60 has_event fsops_completed "$CHARLIE"
placed charlie
fsops_ok() { [[ $(component_status fsops) == ok ]]; }
wait_for "fsops to recover" 20 fsops_ok
say "step 5 ok: failure reported, retried, recovered"
