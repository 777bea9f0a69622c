//! Force start against the real engine: with one active slot, a second
//! torrent waits in the queue until it is force-started; then it runs next
//! to the first, `false` hands it back to the queue, the flag survives an
//! engine restart (the catalogue keeps it), and a pause clears it.

mod support;

use libtorrent_sys::testing::make_torrent;
use revaer_messages::engine::{AddOptions, RestartEngine, TorrentCommand, TorrentSource};
use revaer_messages::torrent::{TorrentId, TorrentState, TorrentSummary};
use revaer_schema::testing::TestDatabase;
use std::path::Path;
use std::time::Duration;
use support::{snapshot, wait_until, Engine, TestResult};

type Error = Box<dyn std::error::Error>;

/// Running: neither waiting in the queue nor paused.
fn runs(summary: &TorrentSummary) -> bool {
    !matches!(summary.state, TorrentState::Queued | TorrentState::Paused)
}

/// Adds a torrent whose data exists nowhere the engine looks, and no peer
/// has: it stays incomplete, so it needs a download slot.
async fn add_incomplete(engine: &Engine, src: &Path, name: &str) -> Result<TorrentId, Error> {
    let torrent = make_torrent(src, name, &[("a.bin", 64 * 1024)], &[], name.len() as u64)?;
    let summary = engine
        .add(TorrentSource::File(torrent), AddOptions::default())
        .await?;
    Ok(summary.id)
}

#[actix_rt::test]
async fn force_start_runs_past_the_queue_and_survives_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut config = snapshot(&db, dir.path())?;
    config.engine_profile.max_active = 1;
    let engine = Engine::start(&db, &config)?;
    engine.wait_ready(0).await?;
    let src = dir.path().join("src");
    let first = add_incomplete(&engine, &src, "first").await?;
    wait_until(&engine, &first, "the first running", runs).await?;
    let second = add_incomplete(&engine, &src, "second").await?;
    let queued = |s: &TorrentSummary| s.state == TorrentState::Queued && !s.force_start;
    wait_until(&engine, &second, "the second queued", queued).await?;
    // Still queued a moment later: the queue holds it, not a transition.
    tokio::time::sleep(Duration::from_secs(2)).await;
    wait_until(&engine, &second, "the second still queued", queued).await?;

    engine
        .command(&second, TorrentCommand::ForceStart(true))
        .await?;
    let forced = |s: &TorrentSummary| s.force_start && runs(s);
    wait_until(&engine, &second, "the second force-started", forced).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    wait_until(&engine, &second, "the second still running", forced).await?;
    wait_until(&engine, &first, "the first still running", |s| {
        runs(s) && !s.force_start
    })
    .await?;

    engine
        .command(&second, TorrentCommand::ForceStart(false))
        .await?;
    wait_until(&engine, &second, "the second back in the queue", queued).await?;

    engine
        .command(&second, TorrentCommand::ForceStart(true))
        .await?;
    wait_until(&engine, &second, "force-started again", forced).await?;
    engine.addr.send(RestartEngine).await??;
    engine.wait_ready(2).await?;
    wait_until(&engine, &second, "force-started after the restart", forced).await?;
    wait_until(&engine, &first, "the first running after the restart", runs).await?;

    engine.command(&second, TorrentCommand::Pause).await?;
    wait_until(&engine, &second, "paused, force start cleared", |s| {
        s.state == TorrentState::Paused && !s.force_start
    })
    .await?;
    engine.command(&second, TorrentCommand::Resume).await?;
    wait_until(&engine, &second, "resumed into the queue", queued).await?;
    Ok(())
}
