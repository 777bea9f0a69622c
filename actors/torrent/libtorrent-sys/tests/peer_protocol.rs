//! `SessionSettings::peer_protocol`: which transport peer connections use,
//! read back from libtorrent's own peer list, and applied to a live session.
#![expect(
    clippy::unwrap_used,
    reason = "bridge tests: a failed call is the test failing"
)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use libtorrent_sys::testing::{listening_session, wait_until, Seeder, LISTEN_TIMEOUT};
use libtorrent_sys::{AddOptions, PeerProtocol, Session, SessionSettings};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const TIMEOUT: Duration = Duration::from_secs(60);
/// 1 MiB at 256 KiB/s: the connection lives long enough to be inspected.
const PAYLOAD: &[(&str, usize)] = &[("film.mkv", 1024 * 1024)];
const SEED_UPLOAD_LIMIT: i32 = 256 * 1024;

fn settings(protocol: PeerProtocol) -> SessionSettings {
    SessionSettings {
        peer_protocol: protocol,
        ..SessionSettings::loopback()
    }
}

/// A listening loopback session with `protocol`.
fn listening(protocol: PeerProtocol) -> Session {
    listening_session(&settings(protocol), LISTEN_TIMEOUT).unwrap()
}

/// Seeds `PAYLOAD` (throttled) to `leech`; returns whether the seeder's
/// connection to the leech was uTP, after the download completed.
fn download_and_report_utp(seeder: &Seeder, leech: &Session, dir: &std::path::Path) -> bool {
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
    let mut utp = None;
    wait_until("a connected peer", TIMEOUT, || {
        utp = seeder.session.peers(&seeder.id)?.first().map(|p| p.utp);
        Ok(utp.is_some())
    })
    .unwrap();
    wait_until("download finished", TIMEOUT, || {
        Ok(leech.status(&id)?.is_finished)
    })
    .unwrap();
    assert_eq!(leech.status(&id).unwrap().total_done, 1024 * 1024);
    utp.unwrap()
}

#[test]
fn tcp_applied_to_a_live_session_connects_over_tcp() {
    let root = common::TempDir::new("tcp-live");
    let seeder = Seeder::start(&root.sub("seed"), PAYLOAD, 0x7c9).unwrap();
    // Built with the default (uTP first for outgoing connections), then
    // switched to TCP only, as a config change does.
    let leech = listening(PeerProtocol::TcpAndUtp);
    leech.apply_settings(&settings(PeerProtocol::Tcp)).unwrap();
    let utp = download_and_report_utp(&seeder, &leech, &root.sub("leech"));
    assert!(!utp, "a TCP-only session connected over uTP");
}

#[test]
fn utp_only_sessions_connect_over_utp() {
    let root = common::TempDir::new("utp-only");
    let seeder = Seeder::start(&root.sub("seed"), PAYLOAD, 0x7c8).unwrap();
    seeder
        .session
        .apply_settings(&settings(PeerProtocol::Utp))
        .unwrap();
    let leech = listening(PeerProtocol::Utp);
    let utp = download_and_report_utp(&seeder, &leech, &root.sub("leech"));
    assert!(utp, "a uTP-only session connected over TCP");
}

#[test]
fn prefer_tcp_dials_a_dual_stack_peer_over_tcp() {
    let root = common::TempDir::new("prefer-tcp-out");
    // The seeder accepts both; with `TcpAndUtp` the leech would dial uTP.
    let seeder = Seeder::start(&root.sub("seed"), PAYLOAD, 0x7ca).unwrap();
    let leech = listening(PeerProtocol::PreferTcp);
    let utp = download_and_report_utp(&seeder, &leech, &root.sub("leech"));
    assert!(!utp, "a prefer-TCP session dialled over uTP");
}

#[test]
fn prefer_tcp_accepts_a_peer_that_dials_over_utp() {
    let root = common::TempDir::new("prefer-tcp-in");
    let seeder = Seeder::start(&root.sub("seed"), PAYLOAD, 0x7cb).unwrap();
    seeder.wait_seeding(TIMEOUT).unwrap();
    seeder
        .session
        .apply_settings(&settings(PeerProtocol::Utp))
        .unwrap();
    seeder
        .session
        .set_limits(&seeder.id, 0, SEED_UPLOAD_LIMIT)
        .unwrap();
    let leech = listening(PeerProtocol::PreferTcp);
    let dir = root.sub("leech");
    let id = leech
        .add_torrent_file(
            &seeder.torrent,
            &AddOptions::with_save_path(dir.to_string_lossy()),
        )
        .unwrap();
    // The uTP-only seeder dials the prefer-TCP leech: incoming uTP is on.
    let leech_port = leech.listen_port().unwrap();
    seeder
        .session
        .connect_peer(&seeder.id, LOCALHOST, leech_port)
        .unwrap();
    let mut utp = None;
    wait_until("a connected peer", TIMEOUT, || {
        utp = seeder.session.peers(&seeder.id)?.first().map(|p| p.utp);
        Ok(utp.is_some())
    })
    .unwrap();
    assert_eq!(utp, Some(true), "the uTP-only seeder connected over TCP");
    wait_until("download finished", TIMEOUT, || {
        Ok(leech.status(&id)?.is_finished)
    })
    .unwrap();
}
