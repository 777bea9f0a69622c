//! Session API behaviour against real libtorrent, without transfers:
//! settings, error mapping, commands, queries and alerts.
#![expect(
    clippy::unwrap_used,
    reason = "bridge tests: a failed call is the test failing"
)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use common::{loopback_session, AlertLog, Seeder, TempDir, TIMEOUT};
use libtorrent_sys::{
    create_torrent, make_magnet, parse_magnet, parse_torrent_file, AddOptions, AlertKind,
    EncryptionPolicy, Error, Session, SessionSettings,
};

const UNKNOWN_ID: &str = "0123456789abcdef0123456789abcdef01234567";
const MAGNET: &str =
    "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=hello&tr=http%3A%2F%2Ft.invalid%2Fa";

/// A small one-file torrent (not added anywhere) and its directory.
fn small_torrent(dir: &TempDir, trackers: &[String]) -> (Vec<u8>, std::path::PathBuf) {
    let root = dir.sub("data");
    let file = root.join("single.bin");
    std::fs::write(&file, vec![7u8; 100_000]).unwrap();
    (
        create_torrent(&file, 16 * 1024, trackers, "").unwrap(),
        root,
    )
}

#[test]
fn session_listens_and_applies_settings() {
    let s = loopback_session();
    let mut log = AlertLog::new(&s);
    let port = s.listen_port().unwrap();
    assert_ne!(port, 0);
    assert!(s.is_listening().unwrap());
    log.wait(
        "listen_succeeded",
        |a| matches!(&a.kind, AlertKind::ListenSucceeded { port: p, .. } if *p == port),
    );
    assert_eq!(s.dht_nodes().unwrap(), 0, "DHT is disabled");

    let settings = SessionSettings {
        download_rate_limit: 1_000_000,
        upload_rate_limit: 500_000,
        encryption: EncryptionPolicy::Forced,
        active_downloads: 2,
        ..SessionSettings::loopback()
    };
    s.apply_settings(&settings).unwrap();
    assert!(matches!(
        s.apply_settings(&SessionSettings {
            upload_rate_limit: -1,
            ..SessionSettings::loopback()
        }),
        Err(Error::InvalidArgument(_))
    ));
    assert!(s.torrent_ids().unwrap().is_empty());
    assert!(s.statuses().unwrap().is_empty());
}

#[test]
fn parsing_helpers() {
    let m = parse_magnet(MAGNET).unwrap();
    assert_eq!(m.id, UNKNOWN_ID);
    assert_eq!(m.name, "hello");
    assert_eq!(m.trackers, vec!["http://t.invalid/a".to_owned()]);

    let dir = TempDir::new("parse");
    let trackers = vec!["http://t.invalid/announce".to_owned()];
    let (bytes, _) = small_torrent(&dir, &trackers);
    let meta = parse_torrent_file(&bytes).unwrap();
    assert_eq!(meta.id.len(), 40);
    assert!(meta
        .id
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(meta.name, "single.bin");
    assert_eq!(meta.total_size, 100_000);
    assert_eq!(meta.piece_length, 16 * 1024);
    assert_eq!(meta.num_pieces, 7);
    assert_eq!(meta.files.len(), 1);
    assert_eq!(meta.files[0].path, "single.bin");
    assert_eq!(meta.trackers, trackers);
    assert_eq!(
        parse_magnet(&make_magnet(&bytes).unwrap()).unwrap().id,
        meta.id
    );
}

#[test]
fn bad_input_yields_errors_not_aborts() {
    assert!(matches!(
        parse_magnet("not a magnet"),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        parse_magnet("magnet:?xt=urn:btih:zzzz"),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(parse_torrent_file(b""), Err(Error::Malformed(_))));
    assert!(matches!(
        parse_torrent_file(b"d4:infoi3ee"),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(make_magnet(&[0xff; 64]), Err(Error::Malformed(_))));

    let dir = TempDir::new("errors");
    let (bytes, root) = small_torrent(&dir, &[]);
    // A truncated .torrent is corrupt.
    assert!(matches!(
        parse_torrent_file(&bytes[..bytes.len() / 2]),
        Err(Error::Malformed(_))
    ));

    let s = loopback_session();
    let opts = AddOptions::with_save_path(root.to_str().unwrap());
    assert!(matches!(
        s.add_magnet("magnet:?foo", &opts),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        s.add_torrent_file(&bytes[..bytes.len() - 3], &opts),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        s.add_resume_data(b"garbage", &opts),
        Err(Error::Malformed(_))
    ));
    assert!(matches!(
        s.add_torrent_file(&bytes, &AddOptions::default()),
        Err(Error::InvalidArgument(_))
    ));
    let too_many = AddOptions {
        file_priorities: vec![4, 4],
        ..opts.clone()
    };
    assert!(matches!(
        s.add_torrent_file(&bytes, &too_many),
        Err(Error::InvalidArgument(_))
    ));
    let out_of_range = AddOptions {
        file_priorities: vec![9],
        ..opts.clone()
    };
    assert!(matches!(
        s.add_torrent_file(&bytes, &out_of_range),
        Err(Error::InvalidArgument(_))
    ));

    // Duplicates, also across add kinds.
    let id = s.add_torrent_file(&bytes, &opts).unwrap();
    assert_eq!(
        s.add_torrent_file(&bytes, &opts),
        Err(Error::Duplicate(id.clone()))
    );
    let magnet = make_magnet(&bytes).unwrap();
    assert_eq!(
        s.add_magnet(&magnet, &opts),
        Err(Error::Duplicate(id.clone()))
    );

    // Unknown ids, including malformed ones.
    let unknown = |r: Result<(), Error>| matches!(r, Err(Error::UnknownTorrent(_)));
    assert!(unknown(s.pause(UNKNOWN_ID)));
    assert!(unknown(s.resume("not-an-id")));
    assert!(unknown(s.remove(UNKNOWN_ID, true)));
    assert!(unknown(s.force_recheck(UNKNOWN_ID)));
    assert!(unknown(s.set_file_priorities(UNKNOWN_ID, &[4])));
    assert!(unknown(s.connect_peer(
        UNKNOWN_ID,
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        1
    )));
    assert!(unknown(s.save_resume_data(UNKNOWN_ID)));
    assert!(matches!(
        s.status(UNKNOWN_ID),
        Err(Error::UnknownTorrent(_))
    ));
    assert!(matches!(s.files(UNKNOWN_ID), Err(Error::UnknownTorrent(_))));
    assert!(matches!(s.peers(UNKNOWN_ID), Err(Error::UnknownTorrent(_))));
    assert!(matches!(
        s.trackers(UNKNOWN_ID),
        Err(Error::UnknownTorrent(_))
    ));

    // Bad priorities for a torrent that exists.
    assert!(matches!(
        s.set_file_priorities(&id, &[8]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        s.set_file_priorities(&id, &[4, 4]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        s.set_limits(&id, -5, 0),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        s.connect_peer(&id, IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        Err(Error::InvalidArgument(_))
    ));

    // create_torrent input checks.
    assert!(matches!(
        create_torrent(Path::new("/nonexistent/revaer"), 0, &[], ""),
        Err(Error::Io(_))
    ));
    assert!(matches!(
        create_torrent(&root, 12345, &[], ""),
        Err(Error::InvalidArgument(_))
    ));
    let empty = dir.sub("empty");
    assert!(create_torrent(&empty, 0, &[], "").is_err());

    // The session still works after all that.
    assert_eq!(s.status(&id).unwrap().id, id);
}

#[test]
fn torrent_commands_and_queries() {
    let seeder = Seeder::start("commands", 0x5eed_0100);
    let s = &seeder.session;
    let id = &seeder.id;
    let mut log = AlertLog::new(s);
    // Forget the seeder's start-up alerts (initial check etc.).
    log.drain();
    log.seen.clear();

    // Upper-case ids are accepted.
    assert_eq!(s.status(&id.to_uppercase()).unwrap().id, *id);
    assert_eq!(s.torrent_ids().unwrap(), vec![id.clone()]);
    let all = s.statuses().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "payload");

    // Pause clears auto-management so the queue cannot undo it; resume
    // restores it.
    assert!(s.status(id).unwrap().auto_managed);
    s.pause(id).unwrap();
    log.wait_for(id, "torrent_paused", |k| {
        matches!(k, AlertKind::TorrentPaused)
    });
    std::thread::sleep(Duration::from_millis(300));
    let st = s.status(id).unwrap();
    assert!(st.paused && !st.auto_managed, "{st:?}");
    s.resume(id).unwrap();
    log.wait_for(id, "torrent_resumed", |k| {
        matches!(k, AlertKind::TorrentResumed)
    });
    let st = s.status(id).unwrap();
    assert!(!st.paused && st.auto_managed, "{st:?}");

    s.set_sequential(id, true).unwrap();
    assert!(s.status(id).unwrap().sequential);
    s.set_sequential(id, false).unwrap();
    s.set_limits(id, 1_000_000, 2_000_000).unwrap();
    s.set_limits(id, 0, 0).unwrap();
    s.set_max_connections(id, 10).unwrap();
    s.force_reannounce(id).unwrap();
    assert!(s.trackers(id).unwrap().is_empty());
    assert!(s.peers(id).unwrap().is_empty());

    let mut prios = vec![4u8; seeder.meta.files.len()];
    prios[0] = 7;
    prios[1] = 1;
    // libtorrent applies file priorities via its disk thread; the call waits
    // for it, so a read straight afterwards sees them (several rounds: a
    // lucky disk thread must not hide the race).
    for round in 0..20u8 {
        prios[1] = round % 8;
        s.set_file_priorities(id, &prios).unwrap();
        let got: Vec<u8> = s.files(id).unwrap().iter().map(|f| f.priority).collect();
        assert_eq!(got, prios, "round {round}");
    }

    s.post_torrent_updates().unwrap();
    let update = log.wait(
        "state_update",
        |a| matches!(&a.kind, AlertKind::StateUpdate { statuses } if !statuses.is_empty()),
    );
    if let AlertKind::StateUpdate { statuses } = update.kind {
        assert_eq!(statuses[0].id, *id);
        assert_eq!(statuses[0].name, "payload");
    }

    s.force_recheck(id).unwrap();
    log.wait_for(id, "torrent_checked", |k| {
        matches!(k, AlertKind::TorrentChecked)
    });
    common::wait_until("seeding after recheck", TIMEOUT, || {
        s.status(id).unwrap().is_seeding
    });

    // Move the data elsewhere, as post-processing will.
    let moved = seeder.dir.sub("moved");
    s.move_storage(id, &moved).unwrap();
    let alert = log.wait_for(id, "storage_moved", |k| {
        matches!(
            k,
            AlertKind::StorageMoved { .. } | AlertKind::StorageMovedFailed { .. }
        )
    });
    assert!(
        matches!(alert.kind, AlertKind::StorageMoved { .. }),
        "{alert:?}"
    );
    assert!(moved.join("payload/a.bin").is_file());
    assert!(!seeder.payload_root.join("payload/a.bin").exists());
    assert_eq!(s.status(id).unwrap().save_path, moved.to_str().unwrap());

    // Remove with data.
    s.remove(id, true).unwrap();
    log.wait_for(id, "torrent_removed", |k| {
        matches!(k, AlertKind::TorrentRemoved)
    });
    log.wait_for(id, "torrent_deleted", |k| {
        matches!(k, AlertKind::TorrentDeleted)
    });
    assert!(!moved.join("payload/a.bin").exists());
    assert!(matches!(s.status(id), Err(Error::UnknownTorrent(_))));
    assert!(s.torrent_ids().unwrap().is_empty());
}

#[test]
fn paused_add_and_trackers_and_magnet_priorities() {
    let dir = TempDir::new("paused");
    let trackers = vec![
        "http://127.0.0.1:9/announce".to_owned(),
        "udp://127.0.0.1:9/announce".to_owned(),
    ];
    let (bytes, root) = small_torrent(&dir, &trackers);
    let s = loopback_session();
    let mut log = AlertLog::new(&s);

    // Paused torrents do not announce, so the trackers are never contacted.
    let opts = AddOptions {
        paused: true,
        sequential: true,
        download_limit: 1000,
        upload_limit: 1000,
        max_connections: 5,
        ..AddOptions::with_save_path(root.to_str().unwrap())
    };
    let id = s.add_torrent_file(&bytes, &opts).unwrap();
    log.wait_for(&id, "add_torrent", |k| {
        matches!(k, AlertKind::AddTorrent { error: None })
    });
    let st = s.status(&id).unwrap();
    assert!(st.paused && !st.auto_managed && st.sequential, "{st:?}");
    // create_torrent keeps the given order (one tier each) ...
    assert_eq!(parse_torrent_file(&bytes).unwrap().trackers, trackers);
    // ... but the session may reorder: with prefer_udp_trackers (default) a
    // UDP tracker on the same host is moved ahead of the HTTP one.
    let t = s.trackers(&id).unwrap();
    let mut urls: Vec<&str> = t.iter().map(|t| t.url.as_str()).collect();
    urls.sort_unstable();
    assert_eq!(
        urls,
        ["http://127.0.0.1:9/announce", "udp://127.0.0.1:9/announce"]
    );
    assert!(t.iter().all(|t| !t.updating && t.error.is_empty()), "{t:?}");
    let magnet = s.magnet_uri(&id).unwrap();
    assert!(magnet.starts_with("magnet:?"), "{magnet}");
    s.remove(&id, false).unwrap();
    log.wait_for(&id, "torrent_removed", |k| {
        matches!(k, AlertKind::TorrentRemoved)
    });
    assert!(root.join("single.bin").is_file(), "data must be kept");

    // A magnet without peers stays without metadata; priorities given now
    // are accepted (validated for range only) and kept for later.
    let opts = AddOptions {
        paused: true,
        file_priorities: vec![1],
        ..AddOptions::with_save_path(root.to_str().unwrap())
    };
    let id = s.add_magnet(MAGNET, &opts).unwrap();
    assert_eq!(id, UNKNOWN_ID);
    let st = s.status(&id).unwrap();
    assert!(!st.has_metadata);
    assert!(s.files(&id).unwrap().is_empty());
    s.set_file_priorities(&id, &[0, 1, 2]).unwrap();
    assert!(matches!(
        s.set_file_priorities(&id, &[8]),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn session_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Session>();

    let s = std::sync::Arc::new(loopback_session());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                for _ in 0..20 {
                    s.statuses().unwrap();
                    s.pop_alerts().unwrap();
                    s.listen_port().unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
