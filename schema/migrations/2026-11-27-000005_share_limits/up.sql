-- Share limits: stop seeding at a ratio or after a seeding time. NULL is
-- "no limit", the behaviour so far.
ALTER TABLE engine_profile
    ADD COLUMN share_ratio_limit DOUBLE PRECISION
        CHECK (share_ratio_limit IS NULL OR (share_ratio_limit >= 0 AND share_ratio_limit <= 10000)),
    ADD COLUMN share_time_limit_minutes INTEGER
        CHECK (share_time_limit_minutes IS NULL OR (share_time_limit_minutes >= 0 AND share_time_limit_minutes <= 5256000)),
    ADD COLUMN share_limit_action TEXT NOT NULL DEFAULT 'pause'
        CHECK (share_limit_action IN ('pause', 'remove'));
