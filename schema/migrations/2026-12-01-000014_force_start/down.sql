ALTER TABLE torrents DROP COLUMN force_start;
