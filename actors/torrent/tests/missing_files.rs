//! Files gone while the daemon was stopped (moved, deleted, a disk not
//! mounted): the torrent is held in `missing_files` instead of being
//! downloaded again, keeps its last good resume file across restarts, and a
//! resume once the files are back verifies them and seeds without
//! downloading anything.

mod support;

use revaer_messages::engine::{GetTorrent, ShutdownEngine, TorrentCommand};
use revaer_messages::torrent::{TorrentId, TorrentState, TorrentSummary};
use revaer_schema::testing::TestDatabase;
use std::path::Path;
use std::time::Duration;
use support::{snapshot, wait_until, Engine, Seeder, TestResult};

const PAYLOAD: &[(&str, usize)] = &[("episode.mkv", 6 * 1024 * 1024 + 11), ("episode.nfo", 1000)];

async fn summary(
    engine: &Engine,
    id: &TorrentId,
) -> Result<TorrentSummary, Box<dyn std::error::Error>> {
    Ok(engine
        .addr
        .send(GetTorrent { id: id.clone() })
        .await??
        .summary)
}

/// Waits for `state` (for seeding: complete; for missing files: with its
/// reason, as the restored row already says `missing_files` before
/// libtorrent has looked at the disk).
async fn wait_state(
    engine: &Engine,
    id: &TorrentId,
    state: TorrentState,
) -> Result<TorrentSummary, Box<dyn std::error::Error>> {
    wait_until(engine, id, state.as_str(), |now| {
        let settled = match state {
            TorrentState::Seeding => now.progress >= 1.0,
            TorrentState::MissingFiles => now.error.is_some(),
            _ => true,
        };
        now.state == state && settled
    })
    .await
}

fn any_payload_at(root: &Path) -> bool {
    PAYLOAD.iter().any(|(rel, _)| root.join(rel).exists())
}

#[actix_rt::test]
async fn vanished_files_hold_the_torrent_until_they_are_back() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 43)?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;

    let mut first = Engine::start(&db, &config)?;
    let id = first.download_from(&seeder).await?;
    first.addr.send(ShutdownEngine).await??;
    let resume_file = first.resume_dir.join(format!("{id}.fastresume"));
    let good_resume = std::fs::read(&resume_file)?;
    let data = first.downloads.join("payload");
    drop(first);
    let aside = dir.path().join("aside");
    std::fs::rename(&data, &aside)?;

    // The seeder stays up and is in the saved peer list: without the hold,
    // libtorrent would recheck, find nothing and fetch it all again.
    for round in 0..2 {
        let engine = Engine::start(&db, &config)?;
        let held = wait_state(&engine, &id, TorrentState::MissingFiles).await?;
        let error = held.error.unwrap_or_default();
        assert!(error.contains("files missing"), "round {round}: {error}");
        tokio::time::sleep(Duration::from_secs(3)).await;
        let later = summary(&engine, &id).await?;
        assert_eq!(later.state, TorrentState::MissingFiles, "round {round}");
        assert_eq!(
            engine.metrics.bytes_in.get(),
            0,
            "round {round}: nothing fetched"
        );
        assert!(
            !any_payload_at(&data),
            "round {round}: nothing written back"
        );
        engine.addr.send(ShutdownEngine).await??;
        drop(engine);
        assert_eq!(
            std::fs::read(&resume_file)?,
            good_resume,
            "round {round}: the last good resume file is kept"
        );
    }

    // The disk is back: a resume verifies the files and seeds.
    let engine = Engine::start(&db, &config)?;
    wait_state(&engine, &id, TorrentState::MissingFiles).await?;
    std::fs::rename(&aside, &data)?;
    engine.command(&id, TorrentCommand::Resume).await?;
    let seeding = wait_state(&engine, &id, TorrentState::Seeding).await?;
    assert_eq!(seeding.error, None);
    assert_eq!(engine.metrics.bytes_in.get(), 0, "verified, not fetched");
    Ok(())
}
