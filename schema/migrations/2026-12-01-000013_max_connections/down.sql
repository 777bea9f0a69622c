ALTER TABLE engine_profile DROP COLUMN max_connections;
