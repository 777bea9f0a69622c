-- Content layout asked for at add (qBittorrent's contentLayout): applied
-- when the metadata is known, so a magnet restored before its metadata
-- arrived still needs it. Once applied, libtorrent's resume data keeps the
-- renamed paths.
ALTER TABLE torrents ADD COLUMN content_layout TEXT NOT NULL DEFAULT 'original'
    CHECK (content_layout IN ('original', 'subfolder', 'no_subfolder'));
-- First and last pieces of every wanted file at top priority
-- (qBittorrent's firstLastPiecePrio); kept across restarts.
ALTER TABLE torrents ADD COLUMN first_last_piece_prio BOOLEAN NOT NULL DEFAULT false;
