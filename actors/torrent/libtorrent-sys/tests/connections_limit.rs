//! `SessionSettings::connections_limit`: the session opens no more peer
//! connections than it allows, across torrents.
#![expect(
    clippy::unwrap_used,
    reason = "bridge tests: a failed call is the test failing"
)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use libtorrent_sys::testing::{listening_session, wait_until, Seeder, LISTEN_TIMEOUT};
use libtorrent_sys::{AddOptions, SessionSettings};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const TIMEOUT: Duration = Duration::from_secs(60);
/// 1 MiB at 64 KiB/s each: every download is still running when counted.
const PAYLOAD: &[(&str, usize)] = &[("film.mkv", 1024 * 1024)];
const SEED_UPLOAD_LIMIT: i32 = 64 * 1024;

/// Starts three throttled seeders of different payloads, adds all three to
/// a leech with `limit` connections and dials each; returns how many of
/// the leech's torrents have a peer once things have settled: after at
/// least 3 s of dialling, and once `want` are connected (or 12 s passed,
/// short of the 16 s a throttled download takes).
fn connected_torrents(name: &str, limit: i32, want: usize) -> usize {
    let root = common::TempDir::new(name);
    let seeders: Vec<Seeder> = (0..3)
        .map(|n| Seeder::start(&root.sub(&format!("seed{n}")), PAYLOAD, 0x9c1 + 2 * n).unwrap())
        .collect();
    let settings = SessionSettings {
        connections_limit: limit,
        ..SessionSettings::loopback()
    };
    let leech = listening_session(&settings, LISTEN_TIMEOUT).unwrap();
    let dir = root.sub("leech");
    let mut ids = Vec::new();
    for seeder in &seeders {
        seeder.wait_seeding(TIMEOUT).unwrap();
        seeder
            .session
            .set_limits(&seeder.id, 0, SEED_UPLOAD_LIMIT)
            .unwrap();
        let id = leech
            .add_torrent_file(
                &seeder.torrent,
                &AddOptions::with_save_path(dir.to_string_lossy()),
            )
            .unwrap();
        leech.connect_peer(&id, LOCALHOST, seeder.port).unwrap();
        ids.push(id);
    }
    let count = || -> usize {
        ids.iter()
            .filter(|id| leech.peers(id).map(|p| !p.is_empty()).unwrap_or(false))
            .count()
    };
    wait_until("a first connection", TIMEOUT, || Ok(count() >= 1)).unwrap();
    // Dial again for a while: a refused connection is retried, an allowed
    // one lands within this time on loopback.
    let started = std::time::Instant::now();
    loop {
        for (id, seeder) in ids.iter().zip(&seeders) {
            leech.connect_peer(id, LOCALHOST, seeder.port).unwrap();
        }
        std::thread::sleep(Duration::from_millis(150));
        let waited = started.elapsed();
        if waited > Duration::from_secs(12) || (waited > Duration::from_secs(3) && count() >= want)
        {
            break;
        }
    }
    count()
}

#[test]
fn a_session_opens_no_more_connections_than_its_limit() {
    assert_eq!(connected_torrents("limit-2", 2, 2), 2);
}

#[test]
fn with_room_every_torrent_connects() {
    assert_eq!(connected_torrents("limit-200", 200, 3), 3);
}
