-- Categories and tags as configuration objects (qBittorrent keeps them as
-- named objects, and its WebAPI clients create and read them). They bump
-- the settings revision like the other config tables, so every component
-- sees them through the config watcher. Torrents still carry their own
-- category and tags (the catalogue); these tables are the named set.

-- A category is one plain folder name (it becomes a library folder; the
-- full rule is revaer_domain::rules::category). Its save path is the default
-- save path of torrents added with it (NULL: the download root); the API
-- checks it against the allow-list.
CREATE TABLE categories (
    name        TEXT PRIMARY KEY
                CHECK (btrim(name) = name AND name <> '' AND char_length(name) <= 128
                       AND name !~ '[/\\]' AND name !~ '^\.'),
    save_path   TEXT CHECK (save_path IS NULL OR save_path LIKE '/%'),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE tags (
    name        TEXT PRIMARY KEY
                CHECK (btrim(name) <> '' AND char_length(name) <= 128 AND position(',' IN name) = 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TRIGGER categories_changed AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH ROW EXECUTE FUNCTION revaer_settings_changed();
CREATE TRIGGER tags_changed AFTER INSERT OR UPDATE OR DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION revaer_settings_changed();
