UPDATE engine_profile SET share_limit_action = 'pause'
    WHERE share_limit_action = 'super_seed';
ALTER TABLE engine_profile DROP CONSTRAINT engine_profile_share_limit_action_check;
ALTER TABLE engine_profile ADD CONSTRAINT engine_profile_share_limit_action_check
    CHECK (share_limit_action IN ('pause', 'remove', 'remove_with_data'));
ALTER TABLE torrents DROP COLUMN super_seeding;
