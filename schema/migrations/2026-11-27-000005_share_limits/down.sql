ALTER TABLE engine_profile
    DROP COLUMN share_limit_action,
    DROP COLUMN share_time_limit_minutes,
    DROP COLUMN share_ratio_limit;
