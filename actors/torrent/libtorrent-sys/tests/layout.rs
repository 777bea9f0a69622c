//! Content layout, first/last piece priority and seed mode against real
//! libtorrent sessions on 127.0.0.1: where the files land after a real
//! transfer, which piece priorities libtorrent holds, and that seed mode
//! seeds data on disk without checking it.
#![expect(
    clippy::unwrap_used,
    reason = "bridge tests: a failed call is the test failing"
)]

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::{loopback_session, sha256_file, wait_until, AlertLog, TempDir, TIMEOUT};

use libtorrent_sys::testing::{make_torrent, write_payload, Seeder};
use libtorrent_sys::{
    create_torrent, make_magnet, parse_torrent_file, AddOptions, AlertKind, ContentLayout,
    TorrentState,
};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Files of a small multi-file payload: several pieces each.
const FILES: &[(&str, usize)] = &[("a.mkv", 300 * 1024 + 7), ("sub/b.srt", 200 * 1024 + 3)];

/// The torrent's file paths as libtorrent lists them now.
fn file_paths(session: &libtorrent_sys::Session, id: &str) -> Vec<String> {
    let files = session.files(id).unwrap();
    files.into_iter().map(|f| f.path).collect()
}

fn options(save: &std::path::Path, layout: ContentLayout) -> AddOptions {
    AddOptions {
        content_layout: layout,
        ..AddOptions::with_save_path(save.to_str().unwrap())
    }
}

#[test]
fn subfolder_puts_a_single_file_into_a_folder_named_after_it() {
    let dir = TempDir::new("layout-sub");
    let seeder = Seeder::start_file(&dir.sub("seed"), "Show.S01E01.mkv", 500 * 1024, 11).unwrap();
    let leech_dir = dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let opts = options(&leech_dir, ContentLayout::Subfolder);
    let id = leech.add_torrent_file(&seeder.torrent, &opts).unwrap();
    // Renamed at add, before any data: the file list says so at once.
    let files = leech.files(&id).unwrap();
    assert_eq!(files[0].path, "Show.S01E01/Show.S01E01.mkv");
    leech.connect_peer(&id, LOCALHOST, seeder.port).unwrap();
    log.wait_for(&id, "finished", |k| matches!(k, AlertKind::TorrentFinished));
    let got = leech_dir.join("Show.S01E01/Show.S01E01.mkv");
    assert_eq!(sha256_file(&got), sha256_file(&seeder.payload));
    assert!(!leech_dir.join("Show.S01E01.mkv").exists());
}

#[test]
fn no_subfolder_strips_the_top_folder_when_the_metadata_arrives() {
    let dir = TempDir::new("layout-nosub");
    let seeder = Seeder::start(&dir.sub("seed"), FILES, 12).unwrap();
    let leech_dir = dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let magnet = make_magnet(&seeder.torrent).unwrap();
    let id = leech
        .add_magnet(&magnet, &options(&leech_dir, ContentLayout::NoSubfolder))
        .unwrap();
    leech.connect_peer(&id, LOCALHOST, seeder.port).unwrap();
    log.wait_for(&id, "metadata", |k| {
        matches!(k, AlertKind::MetadataReceived)
    });
    // pop_alerts applied the layout before handing the alert over.
    let paths = file_paths(&leech, &id);
    assert_eq!(paths, ["a.mkv", "sub/b.srt"]);
    log.wait_for(&id, "finished", |k| matches!(k, AlertKind::TorrentFinished));
    for (rel, _) in FILES {
        let original = seeder.payload.join(rel);
        assert_eq!(
            sha256_file(&leech_dir.join(rel)),
            sha256_file(&original),
            "{rel}"
        );
    }
    assert!(!leech_dir.join("payload").exists());
}

#[test]
fn subfolder_strips_a_compound_suffix_whole() {
    let dir = TempDir::new("layout-targz");
    let leech = loopback_session();
    for (name, folder) in [
        ("backup.TAR.GZ", "backup"),
        ("notes.tar", "notes"),
        ("Show.S01E01.mkv", "Show.S01E01"),
        (".hidden", ".hidden"),
    ] {
        write_payload(&dir.sub("src"), "", &[(name, 1000)], 3).unwrap();
        let torrent = create_torrent(&dir.sub("src").join(name), 0, &[], "").unwrap();
        let opts = options(&dir.sub(name), ContentLayout::Subfolder);
        let id = leech.add_torrent_file(&torrent, &opts).unwrap();
        assert_eq!(file_paths(&leech, &id), [format!("{folder}/{name}")]);
    }
}

#[test]
fn original_keeps_the_torrents_paths() {
    let dir = TempDir::new("layout-orig");
    let torrent = make_torrent(&dir.sub("src"), "pack", FILES, &[], 13).unwrap();
    let leech = loopback_session();
    let opts = options(&dir.sub("leech"), ContentLayout::Original);
    let id = leech.add_torrent_file(&torrent, &opts).unwrap();
    let paths = file_paths(&leech, &id);
    assert_eq!(paths, ["pack/a.mkv", "pack/sub/b.srt"]);
}

/// The piece range of each file of `torrent`, in file order.
fn piece_ranges(torrent: &[u8]) -> Vec<(usize, usize)> {
    let meta = parse_torrent_file(torrent).unwrap();
    let piece = i64::from(meta.piece_length);
    // Hybrid torrents align every file to a piece boundary (pad files).
    let mut start = 0i64;
    meta.files
        .iter()
        .map(|f| {
            let first = start / piece;
            let last = (start + f.size - 1) / piece;
            start = (last + 1) * piece;
            (first as usize, last as usize)
        })
        .collect()
}

fn assert_edges(prios: &[u8], ranges: &[(usize, usize)], edge: u8, middle: u8) {
    for &(first, last) in ranges {
        assert_eq!((prios[first], prios[last]), (edge, edge), "{prios:?}");
        for (p, prio) in prios.iter().enumerate().take(last).skip(first + 1) {
            assert_eq!(*prio, middle, "piece {p}: {prios:?}");
        }
    }
}

#[test]
fn first_last_piece_priority_at_add_toggle_and_after_file_priorities() {
    let dir = TempDir::new("firstlast");
    let torrent = make_torrent(&dir.sub("src"), "pack", FILES, &[], 14).unwrap();
    let ranges = piece_ranges(&torrent);
    assert!(ranges.iter().all(|(f, l)| l - f >= 2), "{ranges:?}");
    let leech = loopback_session();
    let opts = AddOptions {
        first_last_piece: true,
        ..AddOptions::with_save_path(dir.sub("leech").to_str().unwrap())
    };
    let id = leech.add_torrent_file(&torrent, &opts).unwrap();
    let prios = || leech.piece_priorities(&id).unwrap();
    wait_until("first/last at add", TIMEOUT, || prios().contains(&7));
    assert_edges(&prios(), &ranges, 7, 4);

    leech.set_first_last_piece(&id, false).unwrap();
    assert_edges(&prios(), &ranges, 4, 4);

    leech.set_first_last_piece(&id, true).unwrap();
    assert_edges(&prios(), &ranges, 7, 4);

    // A file priority change resets piece priorities; first/last stays on
    // for the wanted file, the skipped one is all 0.
    leech.set_file_priorities(&id, &[0, 4]).unwrap();
    assert_edges(&prios(), &ranges[1..], 7, 4);
    assert_edges(&prios(), &ranges[..1], 0, 0);
}

#[test]
fn first_last_piece_priority_waits_for_a_magnets_metadata() {
    let dir = TempDir::new("firstlast-magnet");
    let seeder = Seeder::start(&dir.sub("seed"), FILES, 16).unwrap();
    // Slow uploads: the metadata comes through, the data does not finish
    // before the priorities are read.
    seeder.session.set_limits(&seeder.id, 0, 16 * 1024).unwrap();
    let ranges = piece_ranges(&seeder.torrent);
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let opts = AddOptions {
        first_last_piece: true,
        ..AddOptions::with_save_path(dir.sub("leech").to_str().unwrap())
    };
    let magnet = make_magnet(&seeder.torrent).unwrap();
    let id = leech.add_magnet(&magnet, &opts).unwrap();
    assert!(
        leech.piece_priorities(&id).unwrap().is_empty(),
        "no pieces yet"
    );
    leech.connect_peer(&id, LOCALHOST, seeder.port).unwrap();
    log.wait_for(&id, "metadata", |k| {
        matches!(k, AlertKind::MetadataReceived)
    });
    assert_edges(&leech.piece_priorities(&id).unwrap(), &ranges, 7, 4);
}

#[test]
fn seed_mode_takes_the_data_on_disk_as_complete_without_checking() {
    let dir = TempDir::new("seedmode");
    let src = dir.sub("src");
    let torrent = make_torrent(&src, "pack", FILES, &[], 15).unwrap();
    // Same size, other bytes: a check would find no valid piece, so
    // seeding at 100% shows none ran.
    let (rel, size) = FILES[0];
    std::fs::write(src.join("pack").join(rel), vec![0u8; size]).unwrap();
    let session = loopback_session();
    let seeded = AddOptions {
        seed_mode: true,
        ..AddOptions::with_save_path(src.to_str().unwrap())
    };
    let id = session.add_torrent_file(&torrent, &seeded).unwrap();
    let st = session.status(&id).unwrap();
    assert!(st.is_seeding, "{st:?}");
    assert!((st.progress - 1.0).abs() < f32::EPSILON, "{st:?}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let st = session.status(&id).unwrap();
    assert!(st.is_seeding && st.state == TorrentState::Seeding, "{st:?}");

    // The same data added normally is checked and found incomplete.
    session.remove(&id, false).unwrap();
    let checked = AddOptions::with_save_path(src.to_str().unwrap());
    wait_until("removed", TIMEOUT, || session.status(&id).is_err());
    let id = session.add_torrent_file(&torrent, &checked).unwrap();
    wait_until("checked and downloading", TIMEOUT, || {
        session.status(&id).unwrap().state == TorrentState::Downloading
    });
    let st = session.status(&id).unwrap();
    assert!(!st.is_seeding && st.progress < 1.0, "{st:?}");
}
