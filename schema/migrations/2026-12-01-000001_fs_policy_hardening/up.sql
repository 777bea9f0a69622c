-- Post-processing hardening (issue 10):
-- * allow_special_modes: chmod_file/chmod_dir may carry setuid, setgid or
--   sticky bits only when this is true (default: plain permission bits);
-- * extract_max_ratio: a job may extract at most this many times the
--   torrent's size (0 = no limit), so an archive bomb fails the job;
-- * extract_min_free_bytes: extraction stops (and fails the job) when the
--   target filesystem would have less free space than this.
ALTER TABLE fs_policy
    ADD COLUMN allow_special_modes BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN extract_max_ratio INTEGER NOT NULL DEFAULT 4
        CHECK (extract_max_ratio >= 0 AND extract_max_ratio <= 1000),
    ADD COLUMN extract_min_free_bytes BIGINT NOT NULL DEFAULT 1073741824
        CHECK (extract_min_free_bytes >= 0);
