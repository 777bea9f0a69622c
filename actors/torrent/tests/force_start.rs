//! Force start against the real engine: with one active slot, a second
//! torrent waits in the queue until it is force-started; then it runs next
//! to the first, `false` hands it back to the queue, the flag survives an
//! engine restart (the catalogue keeps it), and a pause clears it.

mod support;

use revaer_messages::engine::{AddOptions, RestartEngine, TorrentCommand};
use revaer_messages::torrent::{TorrentState, TorrentSummary};
use revaer_schema::testing::TestDatabase;
use std::time::Duration;
use support::{add_incomplete, one_slot_engine, wait_until, TestResult};

/// Running: neither waiting in the queue nor paused.
fn runs(summary: &TorrentSummary) -> bool {
    !matches!(summary.state, TorrentState::Queued | TorrentState::Paused)
}

#[actix_rt::test]
async fn force_start_runs_past_the_queue_and_survives_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let engine = one_slot_engine(&db, dir.path()).await?;
    let src = dir.path().join("src");
    let first = add_incomplete(&engine, &src, "first", AddOptions::default()).await?;
    wait_until(&engine, &first, "the first running", runs).await?;
    let second = add_incomplete(&engine, &src, "second", AddOptions::default()).await?;
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
