//! Content layout, first/last piece priority and skip checking against the
//! real engine: real downloads from a loopback seeder land where the layout
//! says and `content_path` follows them; a magnet's layout waits for its
//! metadata, across an engine restart; first/last piece priorities are read
//! back from libtorrent and survive a restart; skip checking seeds data on
//! disk at once.

mod support;

use libtorrent_sys::make_magnet;
use libtorrent_sys::testing::make_torrent;
use revaer_messages::engine::{
    AddOptions, ContentLayout, GetPiecePriorities, RestartEngine, TorrentCommand, TorrentSource,
};
use revaer_messages::torrent::{TorrentId, TorrentState, TorrentSummary};
use revaer_schema::testing::TestDatabase;
use std::path::Path;
use std::time::Duration;
use support::{sha256_file, snapshot, wait_until, Engine, Seeder, TestResult, TIMEOUT};

type Error = Box<dyn std::error::Error>;

/// A multi-file payload of several pieces per file.
const FILES: &[(&str, usize)] = &[("a.mkv", 300 * 1024 + 7), ("sub/b.srt", 200 * 1024 + 3)];

fn layout(content_layout: ContentLayout) -> AddOptions {
    AddOptions {
        content_layout: Some(content_layout),
        ..AddOptions::default()
    }
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[actix_rt::test]
async fn subfolder_downloads_a_single_file_into_its_own_folder() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    engine.wait_ready(0).await?;
    let seeder = Seeder::start_file(&dir.path().join("seed"), "Show.S01E02.mkv", 400 * 1024, 21)?;
    let source = TorrentSource::File(seeder.torrent.clone());
    let added = engine.add(source, layout(ContentLayout::Subfolder)).await?;
    engine.wait_completed_from(&added.id, seeder.addr()).await?;
    let folder = engine.downloads.join("Show.S01E02");
    let summary = wait_until(&engine, &added.id, "complete", |s| s.progress >= 1.0).await?;
    let file = folder.join("Show.S01E02.mkv");
    // A one-file torrent's content_path is the file, as qBittorrent's.
    assert_eq!(summary.content_path, path(&file));
    assert_eq!(sha256_file(&file)?, sha256_file(&seeder.payload)?);
    assert!(!engine.downloads.join("Show.S01E02.mkv").exists());
    Ok(())
}

#[actix_rt::test]
async fn no_subfolder_puts_a_multi_file_torrent_straight_into_the_save_path() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    engine.wait_ready(0).await?;
    let seeder = Seeder::start(&dir.path().join("seed"), FILES, 22)?;
    let source = TorrentSource::File(seeder.torrent.clone());
    let added = engine
        .add(source, layout(ContentLayout::NoSubfolder))
        .await?;
    engine.wait_completed_from(&added.id, seeder.addr()).await?;
    let summary = wait_until(&engine, &added.id, "complete", |s| s.progress >= 1.0).await?;
    // qBittorrent: files sharing no top folder have the save path as content path.
    assert_eq!(summary.content_path, summary.save_path);
    assert_eq!(summary.save_path, path(&engine.downloads));
    for (rel, _) in FILES {
        let got = sha256_file(&engine.downloads.join(rel))?;
        assert_eq!(got, sha256_file(&seeder.payload.join(rel))?, "{rel}");
    }
    assert!(!engine.downloads.join("payload").exists());
    Ok(())
}

#[actix_rt::test]
async fn a_magnets_layout_waits_for_its_metadata_across_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    engine.wait_ready(0).await?;
    let seeder = Seeder::start_file(&dir.path().join("seed"), "Film.2024.mkv", 300 * 1024, 23)?;
    let magnet = make_magnet(&seeder.torrent)?;
    let added = engine
        .add(
            TorrentSource::Magnet(magnet),
            layout(ContentLayout::Subfolder),
        )
        .await?;
    assert_eq!(added.state, TorrentState::Metadata);
    // No peer yet: the restart comes before any metadata.
    engine.addr.send(RestartEngine).await??;
    engine.wait_ready(1).await?;
    engine.wait_completed_from(&added.id, seeder.addr()).await?;
    let folder = engine.downloads.join("Film.2024");
    let summary = wait_until(&engine, &added.id, "complete", |s| s.progress >= 1.0).await?;
    let file = folder.join("Film.2024.mkv");
    assert_eq!(summary.content_path, path(&file));
    assert_eq!(sha256_file(&file)?, sha256_file(&seeder.payload)?);

    // Renamed paths come back from resume data after another restart.
    engine.addr.send(RestartEngine).await??;
    engine.wait_ready(1).await?;
    let summary = wait_until(&engine, &added.id, "restored", |s| s.progress >= 1.0).await?;
    assert_eq!(summary.content_path, path(&file));
    Ok(())
}

async fn piece_priorities(engine: &Engine, id: &TorrentId) -> Result<Vec<u8>, Error> {
    let id = id.clone();
    Ok(engine.addr.send(GetPiecePriorities { id }).await??)
}

/// Polls the piece priorities until the first and last piece read `edge`
/// and the ones between read 4.
async fn wait_edges(engine: &Engine, id: &TorrentId, edge: u8) -> Result<(), Error> {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let prios = piece_priorities(engine, id).await?;
        let middle_default = prios.len() > 2 && prios[1..prios.len() - 1].iter().all(|p| *p == 4);
        if middle_default && prios.first() == Some(&edge) && prios.last() == Some(&edge) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("piece priorities {prios:?}, wanted edges {edge}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn first_last_piece_priority_at_add_toggle_and_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    engine.wait_ready(0).await?;
    // One file, no peer: it stays incomplete, so piece priorities matter.
    let files = [("movie.mkv", 600 * 1024)];
    let torrent = make_torrent(&dir.path().join("src"), "movie", &files, &[], 24)?;
    let options = AddOptions {
        first_last_piece_prio: true,
        ..AddOptions::default()
    };
    let added = engine.add(TorrentSource::File(torrent), options).await?;
    assert!(added.first_last_piece_prio);
    wait_edges(&engine, &added.id, 7).await?;

    engine
        .command(&added.id, TorrentCommand::FirstLastPiecePrio(false))
        .await?;
    wait_edges(&engine, &added.id, 4).await?;
    wait_until(&engine, &added.id, "flag off", |s| !s.first_last_piece_prio).await?;

    engine
        .command(&added.id, TorrentCommand::FirstLastPiecePrio(true))
        .await?;
    wait_edges(&engine, &added.id, 7).await?;
    engine.addr.send(RestartEngine).await??;
    engine.wait_ready(1).await?;
    wait_until(&engine, &added.id, "flag on after restart", |s| {
        s.first_last_piece_prio
    })
    .await?;
    wait_edges(&engine, &added.id, 7).await?;
    Ok(())
}

#[actix_rt::test]
async fn skip_checking_seeds_data_on_disk_without_checking_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    engine.wait_ready(0).await?;
    let torrent = make_torrent(&engine.downloads, "ready", FILES, &[], 25)?;
    // Same size, other bytes: a check would find no valid piece in it, so
    // seeding at 100% shows none ran.
    let (rel, size) = FILES[0];
    std::fs::write(engine.downloads.join("ready").join(rel), vec![0u8; size])?;
    let options = AddOptions {
        skip_checking: true,
        ..AddOptions::default()
    };
    let added = engine.add(TorrentSource::File(torrent), options).await?;
    assert!(added.progress >= 1.0, "{added:?}");
    let seeding = |s: &TorrentSummary| s.state == TorrentState::Seeding && s.progress >= 1.0;
    wait_until(&engine, &added.id, "seeding", seeding).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    wait_until(&engine, &added.id, "still seeding", seeding).await?;
    Ok(())
}
