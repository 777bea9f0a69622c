//! The catalogue is written in order by one writer: a burst of changes to
//! one torrent ends in the last state, a write that fails while the table is
//! away is retried (and shown in health) until it lands, a removal that
//! cannot delete the row leaves the torrent in place, and a restore that
//! cannot read the catalogue keeps trying instead of starting empty.

mod support;

use diesel::RunQueryDsl;
use libtorrent_sys::testing::make_torrent;
use revaer_messages::engine::{
    AddOptions, EngineError, RemoveTorrent, ShutdownEngine, TorrentCommand, TorrentSource,
};
use revaer_messages::health::{HealthBoard, HealthStatus};
use revaer_messages::torrent::{TorrentId, TorrentLimits};
use revaer_schema::models::torrents;
use revaer_schema::testing::TestDatabase;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{snapshot, Engine, TestResult};

fn sql(db: &TestDatabase, statement: &str) -> TestResult {
    diesel::sql_query(statement).execute(&mut db.connect()?)?;
    Ok(())
}

async fn add_one(engine: &Engine, root: &Path) -> Result<TorrentId, Box<dyn std::error::Error>> {
    let torrent = make_torrent(&root.join("sources"), "one", &[("a.bin", 5000)], &[], 3)?;
    let options = AddOptions {
        paused: true,
        ..AddOptions::default()
    };
    Ok(engine.add(TorrentSource::File(torrent), options).await?.id)
}

async fn wait_health(health: &HealthBoard, component: &str, status: HealthStatus) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if health
            .snapshot()
            .get(component)
            .is_some_and(|h| h.status == status)
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{component} never became {status:?}: {:?}",
                health.snapshot()
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_rt::test]
async fn a_burst_of_changes_to_one_torrent_ends_in_the_last_state() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    let id = add_one(&engine, dir.path()).await?;
    for round in 1..=40i64 {
        engine
            .command(&id, TorrentCommand::Sequential(round % 2 == 0))
            .await?;
        let limits = TorrentLimits {
            download_bps: Some(1000 * round),
            upload_bps: None,
        };
        engine.command(&id, TorrentCommand::Limits(limits)).await?;
    }
    // A stop flushes the writer.
    engine.addr.send(ShutdownEngine).await??;
    let row = torrents::find(&mut db.connect()?, id.as_str())?.ok_or("row missing")?;
    assert!(row.entry.sequential, "last sequential value wins");
    assert_eq!(row.entry.download_limit, 40_000, "last limit wins");
    Ok(())
}

#[actix_rt::test]
async fn writes_survive_a_catalogue_outage_and_a_removal_waits_for_its_row() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    let id = add_one(&engine, dir.path()).await?;

    sql(&db, "ALTER TABLE torrents RENAME TO torrents_away")?;
    engine
        .command(&id, TorrentCommand::Sequential(true))
        .await?;
    wait_health(&engine.health, "engine.catalogue", HealthStatus::Degraded).await?;
    // The row cannot be deleted: the torrent stays, with its data.
    let removed = engine
        .addr
        .send(RemoveTorrent {
            id: id.clone(),
            delete_data: true,
            request_id: None,
        })
        .await?;
    assert!(
        matches!(removed, Err(EngineError::Unavailable(_))),
        "{removed:?}"
    );
    assert_eq!(engine.listed().await??.len(), 1);

    sql(&db, "ALTER TABLE torrents_away RENAME TO torrents")?;
    wait_health(&engine.health, "engine.catalogue", HealthStatus::Ok).await?;
    engine.addr.send(ShutdownEngine).await??;
    let row = torrents::find(&mut db.connect()?, id.as_str())?.ok_or("row missing")?;
    assert!(
        row.entry.sequential,
        "the change made during the outage landed"
    );
    Ok(())
}

#[actix_rt::test]
async fn restore_keeps_trying_until_the_catalogue_loads() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;
    let first = Engine::start(&db, &config)?;
    let id = add_one(&first, dir.path()).await?;
    first.addr.send(ShutdownEngine).await??;
    drop(first);

    sql(&db, "ALTER TABLE torrents RENAME TO torrents_away")?;
    let second = Engine::start(&db, &config)?;
    wait_health(&second.health, "engine", HealthStatus::Degraded).await?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let listed = second.listed().await?;
    assert!(
        matches!(listed, Err(EngineError::Unavailable(_))),
        "not ready with an empty table: {listed:?}"
    );
    sql(&db, "ALTER TABLE torrents_away RENAME TO torrents")?;
    second.wait_ready(1).await?;
    let listed = second.listed().await??;
    assert_eq!(listed.first().map(|t| t.id.clone()), Some(id));
    wait_health(&second.health, "engine", HealthStatus::Ok).await?;
    Ok(())
}
