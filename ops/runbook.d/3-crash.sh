# Step 3: SIGKILL revaerd mid-download of a second torrent, restart: the
# catalogue repopulates, the download resumes without starting over, the
# pending FsOps work finishes. Sourced by ops/runbook.

say "step 3: crash mid-download"
# 256 KiB/s: a minute for the whole payload, so the crash lands mid-way.
BRAVO=$(add bravo --down-limit 256K)
BRAVO_BYTES=16777216
progress() { detail "$BRAVO" | jq -r .progress; }
at_least() { [[ $(jq -n "$(progress) >= $1") == true ]]; }
wait_for "bravo to be 30% done" 60 at_least 0.3
# kill -9 loses what arrived since the last resume save (README: every 30 s
# for changed torrents): crash right after one, so the saved state holds
# at least 30%.
saves='revaer_engine_resume_saves_total{result="ok"}'
saves_before=$(metric "$saves")
saved() {
  at_least 1 && fail "bravo completed before the crash (its download limit did not hold)"
  (($(metric "$saves") > saves_before))
}
wait_for "a resume save after 30%" 45 saved
killed_at=$(progress)
stop_revaerd KILL
say "revaerd killed with bravo at $killed_at"

start_revaerd
wait_for "the engine to restore its catalogue" 60 engine_ready
# Lift the limit: what remains may now come at full speed. No `resume`:
# the restored torrent must go on downloading by itself.
revaer limit "$BRAVO" --down 0 >/dev/null || fail "revaer limit: lifting bravo's download limit"
catalogue=$(revaer ls -o json | jq -r '[.items[].id] | sort | join(" ")') || fail "revaer ls"
[[ "$catalogue" == "$(printf '%s\n' "$ALPHA" "$BRAVO" | sort | tr '\n' ' ' | sed 's/ $//')" ]] \
  || fail "catalogue after restart: '$catalogue'"
bravo_done() { [[ $(detail "$BRAVO" | jq -r '.progress == 1 and .state == "seeding"') == true ]]; }
wait_for "bravo to finish after the restart" 120 bravo_done
received=$(metric revaer_engine_payload_received_bytes_total)
((received < BRAVO_BYTES * 17 / 20)) || fail "the restarted server fetched $received of $BRAVO_BYTES bytes: it started over"
wait_for "bravo's fsops_completed event" 60 has_event fsops_completed "$BRAVO"
placed bravo
[[ $(alpha_job) == "$ALPHA_JOB" ]] || fail "alpha's finished job was touched again after the restart: $(alpha_job)"
say "step 3 ok: catalogue back, bravo resumed ($received of $BRAVO_BYTES bytes fetched after the crash) and placed"
