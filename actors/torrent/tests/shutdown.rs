//! The save-and-stop path: a stop writes the resume data of every changed
//! torrent exactly once, through the one writer (no temporary file left,
//! none shared), skips torrents unchanged since their last save, and a
//! restart reads back what it wrote.

mod support;

use libtorrent_sys::testing::make_torrent;
use revaer_messages::engine::{
    AddOptions, GetEngineStatus, RestartEngine, ShutdownEngine, TorrentCommand, TorrentSource,
};
use revaer_messages::torrent::TorrentId;
use revaer_schema::testing::TestDatabase;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{snapshot, Engine, TestResult};

const TORRENTS: usize = 300;

fn files_ending(dir: &Path, suffix: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
                .count()
        })
        .unwrap_or(0)
}

fn saved(engine: &Engine) -> u64 {
    engine.metrics.resume_saves.with_label_values(&["ok"]).get()
}

/// Adds `TORRENTS` small paused torrents; returns their ids.
async fn add_many(
    engine: &Engine,
    root: &Path,
) -> Result<Vec<TorrentId>, Box<dyn std::error::Error>> {
    let sources = root.join("sources");
    let mut ids = Vec::new();
    for i in 0..TORRENTS {
        let torrent = make_torrent(
            &sources,
            &format!("t{i}"),
            &[("f.bin", 1000 + i)],
            &[],
            i as u64,
        )?;
        let options = AddOptions {
            paused: true,
            ..AddOptions::default()
        };
        ids.push(engine.add(TorrentSource::File(torrent), options).await?.id);
    }
    Ok(ids)
}

async fn wait_files(dir: &Path, count: usize) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(30);
    while files_ending(dir, ".fastresume") < count {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {count} resume files",
                files_ending(dir, ".fastresume")
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[actix_rt::test]
async fn a_stop_saves_every_changed_torrent_exactly_once_and_skips_unchanged_ones() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut config = snapshot(&db, dir.path())?;
    config.engine_profile.download_root =
        dir.path().join("downloads").to_string_lossy().into_owned();

    // Added torrents get a first resume file at once.
    let first = Engine::start_with(&db, &config, |o| {
        o.resume_interval = Duration::from_secs(3600)
    })?;
    let ids = add_many(&first, dir.path()).await?;
    wait_files(&first.resume_dir, TORRENTS).await?;
    first.addr.send(ShutdownEngine).await??;
    assert_eq!(files_ending(&first.resume_dir, ".fastresume"), TORRENTS);
    assert_eq!(
        files_ending(&first.resume_dir, ".tmp"),
        0,
        "no temporary file left"
    );
    assert!(saved(&first) as usize <= 2 * TORRENTS);
    drop(first);

    // Restored and untouched: a stop writes nothing.
    let second = Engine::start_with(&db, &config, |o| {
        o.resume_interval = Duration::from_secs(3600)
    })?;
    second.wait_ready(TORRENTS).await?;
    second.addr.send(ShutdownEngine).await??;
    assert_eq!(saved(&second), 0, "unchanged torrents are not saved again");
    drop(second);

    // Every torrent changed: each is written once, by the one writer.
    let third = Engine::start_with(&db, &config, |o| {
        o.resume_interval = Duration::from_secs(3600)
    })?;
    third.wait_ready(TORRENTS).await?;
    for id in &ids {
        third.command(id, TorrentCommand::Sequential(true)).await?;
    }
    let before = std::time::SystemTime::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = Instant::now();
    third.addr.send(ShutdownEngine).await??;
    let took = started.elapsed();
    assert_eq!(
        saved(&third) as usize,
        TORRENTS,
        "each changed torrent saved exactly once"
    );
    for id in &ids {
        let modified =
            std::fs::metadata(third.resume_dir.join(format!("{id}.fastresume")))?.modified()?;
        assert!(modified > before, "{id} was written at the stop");
    }
    assert_eq!(files_ending(&third.resume_dir, ".tmp"), 0);
    assert!(took < Duration::from_secs(10), "stop took {took:?}");
    Ok(())
}

#[actix_rt::test]
async fn a_restart_saves_first_and_restores_every_torrent() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;
    let engine = Engine::start(&db, &config)?;
    let ids = add_many(&engine, dir.path()).await?;
    engine.addr.send(RestartEngine).await??;
    assert_eq!(files_ending(&engine.resume_dir, ".fastresume"), TORRENTS);
    engine.wait_ready(TORRENTS).await?;
    assert_eq!(
        engine.addr.send(GetEngineStatus).await??.torrents,
        ids.len()
    );
    Ok(())
}
