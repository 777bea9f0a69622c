-- Control plane: configuration sections, API keys, setup tokens and the
-- revision machinery that lets every running component hot-reload settings.

-- One monotonic counter for the whole configuration. `last_txid` lets the
-- trigger bump it once per transaction, however many rows change.
CREATE TABLE settings_revision (
    id          SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    revision    BIGINT NOT NULL DEFAULT 0,
    last_txid   BIGINT,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO settings_revision (id, revision) VALUES (1, 0);

-- Audit trail: one row per changed config row, tagged with the revision.
CREATE TABLE settings_history (
    id          BIGSERIAL PRIMARY KEY,
    revision    BIGINT NOT NULL,
    table_name  TEXT NOT NULL,
    operation   TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    old_value   JSONB,
    new_value   JSONB,
    actor       TEXT NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX settings_history_revision_idx ON settings_history (revision);

CREATE TABLE app_profile (
    id              SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    instance_name   TEXT NOT NULL DEFAULT 'revaer',
    mode            TEXT NOT NULL DEFAULT 'setup' CHECK (mode IN ('setup', 'active')),
    bind_addr       TEXT NOT NULL DEFAULT '127.0.0.1',
    http_port       INTEGER NOT NULL DEFAULT 7070 CHECK (http_port BETWEEN 1 AND 65535),
    telemetry       BOOLEAN NOT NULL DEFAULT FALSE,
    features        JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(features) = 'object'),
    immutable_keys  JSONB NOT NULL DEFAULT '["app_profile.bind_addr", "app_profile.http_port"]'
                    CHECK (jsonb_typeof(immutable_keys) = 'array'),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE engine_profile (
    id                  SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    listen_port         INTEGER NOT NULL DEFAULT 6881 CHECK (listen_port BETWEEN 0 AND 65535),
    listen_interface    TEXT NOT NULL DEFAULT '0.0.0.0',
    dht                 BOOLEAN NOT NULL DEFAULT TRUE,
    pex                 BOOLEAN NOT NULL DEFAULT TRUE,
    lsd                 BOOLEAN NOT NULL DEFAULT FALSE,
    encryption          TEXT NOT NULL DEFAULT 'enabled' CHECK (encryption IN ('enabled', 'forced', 'disabled')),
    max_active          INTEGER NOT NULL DEFAULT 8 CHECK (max_active = -1 OR max_active >= 1),
    max_download_bps    BIGINT NOT NULL DEFAULT 0 CHECK (max_download_bps >= 0),
    max_upload_bps      BIGINT NOT NULL DEFAULT 0 CHECK (max_upload_bps >= 0),
    sequential_default  BOOLEAN NOT NULL DEFAULT FALSE,
    resume_dir          TEXT NOT NULL DEFAULT '/var/lib/revaer/resume',
    download_root       TEXT NOT NULL DEFAULT '/var/lib/revaer/downloads',
    tracker_user_agent  TEXT NOT NULL DEFAULT 'Revaer/0.1',
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE fs_policy (
    id              SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    library_root    TEXT NOT NULL DEFAULT '/var/lib/revaer/library',
    extract         BOOLEAN NOT NULL DEFAULT FALSE,
    flatten         BOOLEAN NOT NULL DEFAULT FALSE,
    move_mode       TEXT NOT NULL DEFAULT 'hardlink' CHECK (move_mode IN ('move', 'copy', 'hardlink')),
    cleanup_keep    JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(cleanup_keep) = 'array'),
    cleanup_drop    JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(cleanup_drop) = 'array'),
    chmod_file      TEXT,
    chmod_dir       TEXT,
    owner_name      TEXT,
    group_name      TEXT,
    umask           TEXT,
    allow_paths     JSONB NOT NULL DEFAULT '["/var/lib/revaer"]' CHECK (jsonb_typeof(allow_paths) = 'array'),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    key_id            TEXT PRIMARY KEY,
    secret_hash       TEXT NOT NULL,
    label             TEXT NOT NULL,
    enabled           BOOLEAN NOT NULL DEFAULT TRUE,
    rate_burst        INTEGER NOT NULL DEFAULT 1200 CHECK (rate_burst >= 1),
    rate_per_seconds  INTEGER NOT NULL DEFAULT 60 CHECK (rate_per_seconds >= 1),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at      TIMESTAMPTZ
);

-- Setup tokens are stored only as hashes. At most one token is live at a
-- time: issuing a new one revokes the previous one in the same transaction.
CREATE TABLE setup_tokens (
    id           BIGSERIAL PRIMARY KEY,
    token_hash   TEXT NOT NULL,
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    consumed_at  TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    issued_by    TEXT NOT NULL
);
CREATE UNIQUE INDEX setup_tokens_one_active ON setup_tokens ((TRUE))
    WHERE consumed_at IS NULL AND revoked_at IS NULL;

INSERT INTO app_profile (id) VALUES (1);
INSERT INTO engine_profile (id) VALUES (1);
INSERT INTO fs_policy (id) VALUES (1);

-- Bumps the revision once per transaction, records history and notifies
-- listeners with `table:revision:op`. Timestamps and secrets are left out
-- of the comparison and the history, so a `last_used_at` touch is no change.
CREATE FUNCTION revaer_settings_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rev      BIGINT;
    old_doc  JSONB;
    new_doc  JSONB;
    op       TEXT := lower(TG_OP);
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_doc := to_jsonb(OLD) - 'updated_at' - 'last_used_at' - 'secret_hash';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_doc := to_jsonb(NEW) - 'updated_at' - 'last_used_at' - 'secret_hash';
    END IF;
    IF TG_OP = 'UPDATE' AND old_doc = new_doc THEN
        RETURN NULL;
    END IF;

    UPDATE settings_revision
       SET revision = revision + 1, last_txid = txid_current(), updated_at = clock_timestamp()
     WHERE id = 1 AND last_txid IS DISTINCT FROM txid_current()
    RETURNING revision INTO rev;
    IF rev IS NULL THEN
        SELECT revision INTO rev FROM settings_revision WHERE id = 1;
    END IF;

    INSERT INTO settings_history (revision, table_name, operation, old_value, new_value, actor)
    VALUES (rev, TG_TABLE_NAME, op, old_doc, new_doc,
            coalesce(nullif(current_setting('revaer.actor', TRUE), ''), current_user));

    PERFORM pg_notify('revaer_settings_changed', TG_TABLE_NAME || ':' || rev || ':' || op);
    RETURN NULL;
END;
$$;

CREATE TRIGGER app_profile_changed AFTER INSERT OR UPDATE OR DELETE ON app_profile
    FOR EACH ROW EXECUTE FUNCTION revaer_settings_changed();
CREATE TRIGGER engine_profile_changed AFTER INSERT OR UPDATE OR DELETE ON engine_profile
    FOR EACH ROW EXECUTE FUNCTION revaer_settings_changed();
CREATE TRIGGER fs_policy_changed AFTER INSERT OR UPDATE OR DELETE ON fs_policy
    FOR EACH ROW EXECUTE FUNCTION revaer_settings_changed();
CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION revaer_settings_changed();
