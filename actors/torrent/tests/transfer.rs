//! Real downloads between a libtorrent seeder and the engine on 127.0.0.1.

mod support;

use revaer_messages::engine::{AddOptions, GetTorrent, TorrentCommand, TorrentSource};
use revaer_messages::events::Event;
use revaer_messages::torrent::{TorrentId, TorrentLimits, TorrentState};
use revaer_schema::testing::TestDatabase;
use std::time::Duration;
use support::{sha256_file, snapshot, Engine, Seeder, TestResult};

const PAYLOAD: &[(&str, usize)] = &[
    ("a.bin", 9 * 1024 * 1024 + 1234),
    ("sub/b.bin", 7 * 1024 * 1024 + 99),
    ("sub/deeper/c.dat", 5 * 1024 * 1024 - 17),
    ("d.txt", 3 * 1024 * 1024 + 5),
];

fn same_files(seeder: &Seeder, downloaded_root: &std::path::Path, skip: &[&str]) -> TestResult {
    for (rel, _) in PAYLOAD {
        if skip.contains(rel) {
            continue;
        }
        let original = sha256_file(&seeder.payload.join(rel))?;
        let copy = sha256_file(&downloaded_root.join("payload").join(rel))
            .map_err(|e| format!("{rel}: {e}"))?;
        assert_eq!(original, copy, "{rel} matches the original");
    }
    Ok(())
}

#[actix_rt::test]
async fn downloads_a_torrent_file_from_a_loopback_peer() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 7)?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;

    let summary = engine
        .add(
            TorrentSource::File(seeder.torrent.clone()),
            AddOptions::default(),
        )
        .await?;
    assert_eq!(summary.id.as_str(), seeder.id);
    assert_eq!(summary.name, "payload");
    engine.connect(&summary.id, seeder.addr()).await?;
    engine.wait_completed(&summary.id).await?;
    same_files(&seeder, &engine.downloads, &[])?;

    let detail = engine
        .addr
        .send(GetTorrent {
            id: summary.id.clone(),
        })
        .await??;
    assert_eq!(detail.files.len(), PAYLOAD.len());
    assert!(detail.files.iter().all(|f| f.progress >= 1.0 && f.selected));
    // Transfer counters trail the finish alert by up to a second.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while engine.metrics.bytes_in.get() < 24 * 1024 * 1024 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        engine.metrics.bytes_in.get() >= 24 * 1024 * 1024,
        "payload bytes were counted: {}",
        engine.metrics.bytes_in.get()
    );

    // The catalogue knows it completed.
    let row = revaer_schema::models::torrents::find(&mut db.connect()?, &seeder.id)?
        .ok_or("catalogue row")?;
    assert!(row.completed_at.is_some());
    Ok(())
}

#[actix_rt::test]
async fn downloads_by_magnet_fetching_metadata_from_the_peer() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 11)?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;

    let magnet = libtorrent_sys::make_magnet(&seeder.torrent)?;
    let summary = engine
        .add(TorrentSource::Magnet(magnet), AddOptions::default())
        .await?;
    engine.connect(&summary.id, seeder.addr()).await?;
    let name = engine
        .wait_for(|e| match e {
            Event::MetadataReceived { torrent, name } if *torrent == summary.id => {
                Some(name.clone())
            }
            _ => None,
        })
        .await?;
    assert_eq!(name, "payload");
    engine.wait_completed(&summary.id).await?;
    same_files(&seeder, &engine.downloads, &[])?;
    Ok(())
}

#[actix_rt::test]
async fn deselected_files_are_not_downloaded() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 13)?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;

    // Index order is the torrent's own (libtorrent sorts files), so look it up.
    let meta = libtorrent_sys::parse_torrent_file(&seeder.torrent)?;
    let priorities = meta
        .files
        .iter()
        .map(|f| if f.path.ends_with("b.bin") { 0 } else { 4 })
        .collect();
    let options = AddOptions {
        files: Some(priorities),
        ..AddOptions::default()
    };
    let summary = engine
        .add(TorrentSource::File(seeder.torrent.clone()), options)
        .await?;
    engine.connect(&summary.id, seeder.addr()).await?;
    engine.wait_completed(&summary.id).await?;
    same_files(&seeder, &engine.downloads, &["sub/b.bin"])?;

    let detail = engine
        .addr
        .send(GetTorrent {
            id: summary.id.clone(),
        })
        .await??;
    let skipped = detail
        .files
        .iter()
        .find(|f| f.path.ends_with("b.bin"))
        .ok_or("b.bin listed")?;
    assert!(!skipped.selected);
    assert!(
        skipped.progress < 0.5,
        "the deselected file was not downloaded (progress {})",
        skipped.progress
    );
    let on_disk = std::fs::metadata(engine.downloads.join("payload/sub/b.bin"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        on_disk < 7 * 1024 * 1024,
        "at most boundary pieces of b.bin are on disk ({on_disk} bytes)"
    );
    Ok(())
}

#[actix_rt::test]
async fn pause_resume_and_a_rate_limit_change_the_transfer() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 17)?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    let limit = 1024 * 1024;
    let options = AddOptions {
        limits: Some(TorrentLimits {
            download_bps: Some(limit),
            upload_bps: None,
        }),
        ..AddOptions::default()
    };
    let summary = engine
        .add(TorrentSource::File(seeder.torrent.clone()), options)
        .await?;
    let id: TorrentId = summary.id.clone();
    engine.connect(&id, seeder.addr()).await?;

    let downloaded = |engine: &Engine| {
        let addr = engine.addr.clone();
        let id = id.clone();
        async move {
            addr.send(GetTorrent { id })
                .await
                .ok()
                .and_then(|r| r.ok())
                .map_or(0, |d| d.summary.downloaded)
        }
    };
    // Wait for the first bytes (connecting may take a while on a loaded
    // machine), then measure a window of about 3 s.
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    let first = loop {
        let now = downloaded(&engine).await;
        if now > 0 {
            break now;
        }
        if std::time::Instant::now() > deadline {
            return Err("no data flows under the limit".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let window = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let limited = downloaded(&engine).await - first;
    let seconds = i64::try_from(window.elapsed().as_secs())?.max(1) + 1;
    assert!(
        limited < 2 * seconds * limit,
        "1 MiB/s limit holds for {seconds} s: {limited} bytes"
    );

    engine.command(&id, TorrentCommand::Pause).await?;
    engine.wait_for(|e| matches!(e, Event::StateChanged { torrent, state: TorrentState::Paused } if *torrent == id).then_some(())).await?;
    let at_pause = downloaded(&engine).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let still = downloaded(&engine).await;
    assert!(
        still <= at_pause + 256 * 1024,
        "no transfer while paused ({at_pause} → {still})"
    );

    engine
        .command(&id, TorrentCommand::Limits(TorrentLimits::default()))
        .await?;
    engine.command(&id, TorrentCommand::Resume).await?;
    engine.connect(&id, seeder.addr()).await?;
    engine.wait_completed(&id).await?;
    same_files(&seeder, &engine.downloads, &[])?;
    Ok(())
}
