-- The torrent catalogue: what the engine should hold, independent of
-- libtorrent's own state. Fast-resume data lives in files under
-- engine_profile.resume_dir; this table keeps what is needed to re-add a
-- torrent from its source when resume data is missing or corrupt.
CREATE TABLE torrents (
    id               TEXT PRIMARY KEY CHECK (id ~ '^[0-9a-f]{40}$'),
    name             TEXT NOT NULL,
    source_kind      TEXT NOT NULL CHECK (source_kind IN ('magnet', 'file')),
    magnet_uri       TEXT,
    torrent_file     BYTEA,
    save_path        TEXT NOT NULL,
    category         TEXT,
    tags             JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
    file_priorities  JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(file_priorities) = 'array'),
    sequential       BOOLEAN NOT NULL DEFAULT FALSE,
    download_limit   BIGINT NOT NULL DEFAULT 0 CHECK (download_limit >= 0),
    upload_limit     BIGINT NOT NULL DEFAULT 0 CHECK (upload_limit >= 0),
    paused           BOOLEAN NOT NULL DEFAULT FALSE,
    state            TEXT NOT NULL DEFAULT 'queued',
    progress         DOUBLE PRECISION NOT NULL DEFAULT 0,
    total_size       BIGINT NOT NULL DEFAULT 0,
    added_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at     TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (source_kind <> 'magnet' OR magnet_uri IS NOT NULL),
    CHECK (source_kind <> 'file' OR torrent_file IS NOT NULL)
);

-- Stable cursor pagination orders by (added_at, id).
CREATE INDEX torrents_added_at_id_idx ON torrents (added_at, id);
