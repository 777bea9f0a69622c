//! Manual queue order against the real engine and catalogue: a selection
//! moves keeping its own order (qBittorrent's rule), `top_of_queue` adds at
//! the head, the order survives an engine restart (rebuilt from the
//! catalogue), and with queueing off the engine refuses to move anything.

mod support;

use revaer_messages::engine::{AddOptions, EngineError, MoveInQueue, QueueMove, RestartEngine};
use revaer_messages::torrent::TorrentId;
use revaer_schema::testing::TestDatabase;
use std::time::Duration;
use support::{add_incomplete, one_slot_engine, snapshot, Engine, TestResult, TIMEOUT};

type Error = Box<dyn std::error::Error>;

async fn move_in_queue(
    engine: &Engine,
    ids: &[&TorrentId],
    movement: QueueMove,
) -> Result<Result<(), EngineError>, Error> {
    let msg = MoveInQueue {
        ids: ids.iter().map(|id| (*id).clone()).collect(),
        movement,
        request_id: None,
    };
    Ok(engine.addr.send(msg).await?)
}

/// The listing's queue, head first, polled until it is `want`.
async fn wait_order(engine: &Engine, want: &[&TorrentId], what: &str) -> TestResult {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let mut listed = engine.listed().await?.unwrap_or_default();
        listed.retain(|s| s.queue_position.is_some());
        listed.sort_by_key(|s| s.queue_position);
        let order: Vec<&TorrentId> = listed.iter().map(|s| &s.id).collect();
        let positions: Vec<Option<i32>> = listed.iter().map(|s| s.queue_position).collect();
        let dense = (0..).map(Some).take(positions.len()).collect::<Vec<_>>();
        if order == want && positions == dense {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{what}: queue {order:?} at {positions:?}, want {want:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn selections_move_in_order_and_the_order_survives_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let engine = one_slot_engine(&db, dir.path()).await?;
    let src = dir.path().join("src");
    let a = add_incomplete(&engine, &src, "a", AddOptions::default()).await?;
    let b = add_incomplete(&engine, &src, "b", AddOptions::default()).await?;
    let c = add_incomplete(&engine, &src, "c", AddOptions::default()).await?;
    wait_order(&engine, &[&a, &b, &c], "as added").await?;

    move_in_queue(&engine, &[&c], QueueMove::Top).await??;
    wait_order(&engine, &[&c, &a, &b], "c to the top").await?;
    // a and b keep their order whichever way they are named.
    move_in_queue(&engine, &[&b, &a], QueueMove::Top).await??;
    wait_order(&engine, &[&a, &b, &c], "a and b to the top").await?;
    move_in_queue(&engine, &[&b, &a], QueueMove::Bottom).await??;
    wait_order(&engine, &[&c, &a, &b], "a and b to the bottom").await?;
    move_in_queue(&engine, &[&b, &a], QueueMove::Up).await??;
    wait_order(&engine, &[&a, &b, &c], "a and b up").await?;
    move_in_queue(&engine, &[&a, &b], QueueMove::Down).await??;
    wait_order(&engine, &[&c, &a, &b], "a and b down").await?;
    move_in_queue(&engine, &[&c], QueueMove::Up).await??;
    wait_order(&engine, &[&c, &a, &b], "the head cannot go up").await?;

    let unknown = TorrentId::parse(&"e".repeat(40))?;
    let refused = move_in_queue(&engine, &[&a, &unknown], QueueMove::Top).await?;
    assert_eq!(refused, Err(EngineError::NotFound(unknown)));
    wait_order(&engine, &[&c, &a, &b], "nothing moved for an unknown id").await?;

    let top = AddOptions {
        top_of_queue: true,
        ..AddOptions::default()
    };
    let d = add_incomplete(&engine, &src, "d", top).await?;
    wait_order(&engine, &[&d, &c, &a, &b], "d added at the top").await?;
    move_in_queue(&engine, &[&d], QueueMove::Bottom).await??;
    wait_order(&engine, &[&c, &a, &b, &d], "d to the bottom").await?;

    engine.addr.send(RestartEngine).await??;
    engine.wait_ready(4).await?;
    wait_order(&engine, &[&c, &a, &b, &d], "after the restart").await?;
    Ok(())
}

#[actix_rt::test]
async fn with_queueing_off_nothing_moves() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;
    assert_eq!(config.engine_profile.max_active, -1, "queueing off");
    let engine = Engine::start(&db, &config)?;
    engine.wait_ready(0).await?;
    let src = dir.path().join("src");
    let a = add_incomplete(&engine, &src, "a", AddOptions::default()).await?;
    let b = add_incomplete(&engine, &src, "b", AddOptions::default()).await?;
    wait_order(&engine, &[&a, &b], "as added").await?;
    let refused = move_in_queue(&engine, &[&b], QueueMove::Top).await?;
    assert_eq!(refused, Err(EngineError::QueueingDisabled));
    wait_order(&engine, &[&a, &b], "unchanged").await?;
    Ok(())
}
