-- FsOps post-processing jobs: one row per torrent, the durable half of a
-- job's state (the other half is the `.revaer.meta` file in its
-- destination). A job is planned once from `input` and the fs_policy in
-- force, then steps run in a fixed order; `completed_steps` is always a
-- prefix of extract, flatten, transfer, permissions, cleanup.
CREATE TABLE fs_jobs (
    torrent_id       TEXT PRIMARY KEY CHECK (torrent_id ~ '^[0-9a-f]{40}$'),
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'done', 'failed')),
    current_step     TEXT
                     CHECK (current_step IN ('extract', 'flatten', 'transfer', 'permissions', 'cleanup')),
    completed_steps  JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(completed_steps) = 'array'),
    attempt          INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    last_error       TEXT,
    -- What the job was asked to do (torrent name, category, files), kept so
    -- that a retry on demand can plan again under a newer policy.
    input            JSONB NOT NULL CHECK (jsonb_typeof(input) = 'object'),
    -- The plan (with the fs_policy snapshot it was made under); NULL when
    -- planning itself failed.
    plan             JSONB CHECK (plan IS NULL OR jsonb_typeof(plan) = 'object'),
    source_path      TEXT NOT NULL,
    destination      TEXT,
    request_id       TEXT,
    -- When a failed attempt will be retried (status 'pending' with an error).
    next_attempt_at  TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (status <> 'done' OR finished_at IS NOT NULL)
);

-- The orchestrator resumes every unfinished job at start.
CREATE INDEX fs_jobs_unfinished_idx ON fs_jobs (created_at) WHERE status <> 'done';
