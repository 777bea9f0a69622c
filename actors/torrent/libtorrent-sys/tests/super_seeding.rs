//! Super seeding (BEP 16) against real libtorrent sessions on 127.0.0.1:
//! the flag is set, read back and given at add, and a seeder in super
//! seeding mode still hands a leecher the whole payload, one revealed piece
//! at a time.
#![expect(
    clippy::unwrap_used,
    reason = "bridge tests: a failed call is the test failing"
)]

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::{loopback_session, sha256_file, wait_until, AlertLog, TempDir, TIMEOUT};
use libtorrent_sys::testing::Seeder;
use libtorrent_sys::{AddOptions, AlertKind};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

#[test]
fn a_super_seeding_seeder_still_delivers_the_whole_payload() {
    let dir = TempDir::new("super-seed");
    let seeder = Seeder::start_file(&dir.sub("seed"), "Show.S01E02.mkv", 700 * 1024, 5).unwrap();
    assert!(!seeder.session.status(&seeder.id).unwrap().super_seeding);
    seeder.session.set_super_seeding(&seeder.id, true).unwrap();
    wait_until("the seeder to report super seeding", TIMEOUT, || {
        seeder.session.status(&seeder.id).unwrap().super_seeding
    });

    let leech_dir = dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let id = leech
        .add_torrent_file(
            &seeder.torrent,
            &AddOptions::with_save_path(leech_dir.to_str().unwrap()),
        )
        .unwrap();
    leech.connect_peer(&id, LOCALHOST, seeder.port).unwrap();
    log.wait_for(&id, "finished", |k| matches!(k, AlertKind::TorrentFinished));
    let got = leech_dir.join("Show.S01E02.mkv");
    assert_eq!(sha256_file(&got), sha256_file(&seeder.payload));
    assert!(seeder.session.status(&seeder.id).unwrap().super_seeding);

    seeder.session.set_super_seeding(&seeder.id, false).unwrap();
    wait_until("the seeder to stop super seeding", TIMEOUT, || {
        !seeder.session.status(&seeder.id).unwrap().super_seeding
    });
}

#[test]
fn super_seeding_given_at_add_is_on_from_the_start() {
    let dir = TempDir::new("super-seed-add");
    let seeder = Seeder::start_file(&dir.sub("seed"), "a.bin", 64 * 1024, 9).unwrap();
    let session = loopback_session();
    let opts = AddOptions {
        super_seeding: true,
        ..AddOptions::with_save_path(dir.sub("seed").to_str().unwrap())
    };
    let id = session.add_torrent_file(&seeder.torrent, &opts).unwrap();
    assert!(session.status(&id).unwrap().super_seeding);
    assert!(session
        .set_super_seeding("0".repeat(40).as_str(), true)
        .is_err());
}
