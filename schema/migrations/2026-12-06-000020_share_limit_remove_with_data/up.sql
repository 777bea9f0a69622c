-- A share limit can also remove the torrent with its data (qBittorrent's
-- max_ratio_act 3).
ALTER TABLE engine_profile DROP CONSTRAINT engine_profile_share_limit_action_check;
ALTER TABLE engine_profile ADD CONSTRAINT engine_profile_share_limit_action_check
    CHECK (share_limit_action IN ('pause', 'remove', 'remove_with_data'));
