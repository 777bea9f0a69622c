-- A force-started torrent runs regardless of the queue (qBittorrent's
-- setForceStart). Kept across restarts; cleared by a pause.
ALTER TABLE torrents ADD COLUMN force_start BOOLEAN NOT NULL DEFAULT false;
