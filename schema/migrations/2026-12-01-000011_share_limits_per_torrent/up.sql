-- Share limits per torrent (ratio, seeding time, inactive seeding time),
-- each in qBittorrent's encoding: -2 use the global limit, -1 no limit,
-- otherwise the value (a ratio; minutes). Plus the global inactive seeding
-- time limit (NULL: none), beside the other global share limits.
ALTER TABLE engine_profile
    ADD COLUMN share_inactive_limit_minutes INTEGER
        CHECK (share_inactive_limit_minutes IS NULL
               OR (share_inactive_limit_minutes >= 0 AND share_inactive_limit_minutes <= 5256000));

ALTER TABLE torrents
    ADD COLUMN share_ratio_limit DOUBLE PRECISION NOT NULL DEFAULT -2
        CHECK (share_ratio_limit IN (-2, -1) OR (share_ratio_limit >= 0 AND share_ratio_limit <= 10000)),
    ADD COLUMN share_seeding_minutes INTEGER NOT NULL DEFAULT -2
        CHECK (share_seeding_minutes >= -2 AND share_seeding_minutes <= 5256000),
    ADD COLUMN share_inactive_minutes INTEGER NOT NULL DEFAULT -2
        CHECK (share_inactive_minutes >= -2 AND share_inactive_minutes <= 5256000);
