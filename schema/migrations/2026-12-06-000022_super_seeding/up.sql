-- Super seeding (BEP 16, qBittorrent's setSuperSeeding): a seed that hands
-- out each piece once, to spread rare pieces first. Kept across restarts.
ALTER TABLE torrents ADD COLUMN super_seeding BOOLEAN NOT NULL DEFAULT false;
-- A share limit can also switch a torrent to super seeding (qBittorrent's
-- max_ratio_act 2).
ALTER TABLE engine_profile DROP CONSTRAINT engine_profile_share_limit_action_check;
ALTER TABLE engine_profile ADD CONSTRAINT engine_profile_share_limit_action_check
    CHECK (share_limit_action IN ('pause', 'remove', 'remove_with_data', 'super_seed'));
