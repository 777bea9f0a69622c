-- A torrent's place in libtorrent's download queue (0 is the head; -1 when
-- it is not in the queue: seeding, or not known yet). Start-up re-adds the
-- torrents in this order, so a manual queue order survives a restart.
ALTER TABLE torrents ADD COLUMN queue_position INTEGER NOT NULL DEFAULT -1;
