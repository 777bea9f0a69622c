ALTER TABLE engine_profile DROP COLUMN peer_protocol;
