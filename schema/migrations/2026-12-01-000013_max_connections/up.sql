-- Peer connections open at once, all torrents together. libtorrent's own
-- default (200) strands torrents once more than 200 are active: each new one
-- waits for a first connection that never comes (ops/bench/active-events:
-- 1,000 magnets, 200 downloading, 800 stuck fetching metadata). 500 is
-- qBittorrent's default.
ALTER TABLE engine_profile
    ADD COLUMN max_connections INTEGER NOT NULL DEFAULT 500
        CHECK (max_connections BETWEEN 2 AND 65535);
