ALTER TABLE torrents DROP COLUMN queue_position;
