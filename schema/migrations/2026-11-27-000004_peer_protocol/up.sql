-- Transport protocols for peer connections. Existing installs keep
-- libtorrent's behaviour so far (TCP and uTP).
ALTER TABLE engine_profile
    ADD COLUMN peer_protocol TEXT NOT NULL DEFAULT 'tcp_and_utp'
        CHECK (peer_protocol IN ('tcp_and_utp', 'tcp', 'utp'));
