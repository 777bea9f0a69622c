ALTER TABLE fs_policy
    DROP COLUMN extract_min_free_bytes,
    DROP COLUMN extract_max_ratio,
    DROP COLUMN allow_special_modes;
