-- The shipped peer protocol becomes `prefer_tcp`: outgoing peer connections
-- over TCP, incoming ones over TCP or uTP. Why: with `tcp_and_utp`
-- libtorrent dials uTP first, and uTP never opens up on loopback or a fast
-- LAN (ops/bench/compare, docs/benchmarks.md: 19-24 MB/s from a local
-- peer where TCP moved 380-400 MB/s, and qBittorrent-nox with its defaults
-- 34 MB/s). Peers that dial us over uTP are still accepted.
-- Installs still on the old default move to the new one; an explicit `tcp`
-- or `utp` stays as it is.
ALTER TABLE engine_profile DROP CONSTRAINT engine_profile_peer_protocol_check;
ALTER TABLE engine_profile ADD CONSTRAINT engine_profile_peer_protocol_check
    CHECK (peer_protocol IN ('prefer_tcp', 'tcp_and_utp', 'tcp', 'utp'));
ALTER TABLE engine_profile ALTER COLUMN peer_protocol SET DEFAULT 'prefer_tcp';
-- Without a config revision: revisions count changes made through the API
-- (a fresh database starts at 0), and the upgraded daemon loads the whole
-- configuration when it starts anyway.
ALTER TABLE engine_profile DISABLE TRIGGER engine_profile_changed;
UPDATE engine_profile SET peer_protocol = 'prefer_tcp' WHERE peer_protocol = 'tcp_and_utp';
ALTER TABLE engine_profile ENABLE TRIGGER engine_profile_changed;
