ALTER TABLE engine_profile DISABLE TRIGGER engine_profile_changed;
UPDATE engine_profile SET peer_protocol = 'tcp_and_utp' WHERE peer_protocol = 'prefer_tcp';
ALTER TABLE engine_profile ENABLE TRIGGER engine_profile_changed;
ALTER TABLE engine_profile ALTER COLUMN peer_protocol SET DEFAULT 'tcp_and_utp';
ALTER TABLE engine_profile DROP CONSTRAINT engine_profile_peer_protocol_check;
ALTER TABLE engine_profile ADD CONSTRAINT engine_profile_peer_protocol_check
    CHECK (peer_protocol IN ('tcp_and_utp', 'tcp', 'utp'));
