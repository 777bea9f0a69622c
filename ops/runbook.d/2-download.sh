# Step 2: add a magnet, follow /v1/events, see it complete and run through
# FsOps into the library; revaer_fsops_steps_total rises.
# Sourced by ops/runbook.

say "step 2: download and post-process"
# alpha: small and fast; bravo: 16 MiB, downloaded slowly and killed
# mid-way in step 3; charlie: for the read-only library of step 5.
"$BIN/revaer-seed" --dir "$WORK/seed" --dial "127.0.0.1:$ENGINE_PORT" \
  --torrent alpha:4194304 --torrent bravo:16777216 --torrent charlie:2097152 \
  >"$WORK/seed.out" 2>"$WORK/seed.log" &
SEED_PID=$!
seeder_ready() { grep -q '^ready ' "$WORK/seed.out" || { kill -0 "$SEED_PID" 2>/dev/null || return 2; return 1; }; }
wait_for "the seeder to check its payloads" 120 seeder_ready
magnet() { awk -v n="$1" '$1 == "torrent" && $2 == n {print $4}' "$WORK/seed.out"; }
hash_of() { awk -v n="$1" '$1 == "torrent" && $2 == n {print $3}' "$WORK/seed.out"; }

# add NAME [OPTION...]: adds the seeder's magnet in category "films" (with
# the further `revaer add` options given); prints the id.
add() {
  local name=$1 id
  shift
  id=$(revaer add "$(magnet "$name")" --category films "$@" -o json | jq -r .id) || fail "revaer add $name"
  [[ "$id" == "$(hash_of "$name")" ]] || fail "added $name as $id, expected $(hash_of "$name")"
  echo "$id"
}

# placed NAME: the library copy is a hard link of the download with the
# seeder's bytes and the configured mode.
placed() {
  local name=$1 original=$WORK/seed/$1/video.mkv file=$LIBRARY/films/$1/video.mkv
  [[ -f "$file" ]] || fail "$name is not in the library ($file)"
  [[ $(sha256sum <"$file") == $(sha256sum <"$original") ]] || fail "$name: library copy differs from the seeded file"
  [[ $(stat -c %i "$file") == $(stat -c %i "$DOWNLOADS/$name/video.mkv") ]] || fail "$name: not hard-linked (move_mode hardlink)"
  [[ $(stat -c %a "$file") == 640 ]] || fail "$name: mode $(stat -c %a "$file"), configured 640"
}

steps_before=$(metric revaer_fsops_steps_total)
ALPHA=$(add alpha)
wait_for "alpha's completed event" 60 has_event completed "$ALPHA"
wait_for "alpha's fsops_completed event" 60 has_event fsops_completed "$ALPHA"
placed alpha
steps_after=$(metric revaer_fsops_steps_total)
((steps_after > steps_before)) || fail "revaer_fsops_steps_total did not rise ($steps_before -> $steps_after)"
alpha=$(detail "$ALPHA")
[[ $(jq -r .fsops.status <<<"$alpha") == "done" ]] || fail "alpha's job is not done: $alpha"
alpha_job() { private_pg_psql revaer "SELECT status, attempt, updated_at FROM fs_jobs WHERE torrent_id = '$ALPHA'"; }
ALPHA_JOB=$(alpha_job)
say "step 2 ok: alpha downloaded, placed in the library; fsops steps $steps_before -> $steps_after"
