ALTER TABLE torrents
    DROP COLUMN share_inactive_minutes,
    DROP COLUMN share_seeding_minutes,
    DROP COLUMN share_ratio_limit;
ALTER TABLE engine_profile
    DROP COLUMN share_inactive_limit_minutes;
