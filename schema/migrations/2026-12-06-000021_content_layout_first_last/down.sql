ALTER TABLE torrents DROP COLUMN first_last_piece_prio;
ALTER TABLE torrents DROP COLUMN content_layout;
