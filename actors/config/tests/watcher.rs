//! The watcher against a real PostgreSQL: delivery, ordering and recovery
//! after its connection is killed.

use actix::Supervisor;
use diesel::prelude::*;
use prometheus::Registry;
use revaer_config::{
    ConfigWatcher, ListenTiming, WatcherMetrics, WatcherSettings, APPLICATION_NAME,
};
use revaer_messages::health::{HealthBoard, HealthStatus};
use revaer_messages::watch::{ConfigChanged, SubscribeConfig};
use revaer_schema::models::config;
use revaer_schema::testing::TestDatabase;
use std::time::Duration;
use tokio::sync::mpsc;

fn fast_timing() -> ListenTiming {
    ListenTiming {
        poll: Duration::from_millis(10),
        recheck: Duration::from_millis(300),
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(400),
    }
}

fn bump(db: &TestDatabase, port: i32) -> i64 {
    let result = db.connect().and_then(|mut conn| {
        let mut snapshot = config::load_snapshot(&mut conn)?;
        snapshot.engine_profile.listen_port = port;
        config::save_sections(
            &mut conn,
            config::SectionsUpdate {
                engine_profile: Some(&snapshot.engine_profile),
                ..Default::default()
            },
            "test",
        )
    });
    match result {
        Ok(rev) => rev,
        Err(err) => panic!("cannot change settings: {err}"),
    }
}

async fn next_revision(rx: &mut mpsc::UnboundedReceiver<ConfigChanged>) -> i64 {
    match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
        Ok(Some(changed)) => changed.snapshot.revision,
        other => panic!("no ConfigChanged delivered: {other:?}"),
    }
}

#[actix_rt::test]
async fn delivers_changes_in_order_and_recovers_from_a_killed_connection(
) -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let registry = Registry::new();
    let metrics = WatcherMetrics::register(&registry)?;
    let health = HealthBoard::default();
    let settings = WatcherSettings::new(db.url()).with_timing(fast_timing());
    let watcher_health = health.clone();
    let watcher_metrics = metrics.clone();
    let watcher =
        Supervisor::start(move |_| ConfigWatcher::new(settings, watcher_health, watcher_metrics));

    let (collector, mut rx) = revaer_testkit::collect::<ConfigChanged>();
    watcher.send(SubscribeConfig(collector.recipient())).await?;

    // The initial snapshot (revision 0) is delivered once loaded.
    assert_eq!(next_revision(&mut rx).await, 0);

    let r1 = bump(&db, 7001);
    let r2 = bump(&db, 7002);
    assert_eq!(r2, r1 + 1);
    // Two quick commits may be coalesced into one reload; either way every
    // delivery moves forward and the newest revision arrives.
    let mut last = 0;
    while last < r2 {
        let rev = next_revision(&mut rx).await;
        assert!(
            rev > last,
            "revisions never go backwards ({rev} after {last})"
        );
        last = rev;
    }
    assert_eq!(last, r2);

    // Kill the watcher's LISTEN connection, then change settings while it is down.
    let mut admin = db.connect()?;
    let killed: Vec<bool> = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{APPLICATION_NAME}' AND datname = current_database()"
    )))
    .load(&mut admin)?;
    assert_eq!(
        killed,
        vec![true],
        "exactly one watcher connection was terminated"
    );
    let r3 = bump(&db, 7003);
    let mut delivered = next_revision(&mut rx).await;
    while delivered < r3 {
        delivered = next_revision(&mut rx).await;
    }
    assert_eq!(
        delivered, r3,
        "the change made while disconnected is delivered after reconnect"
    );
    assert!(metrics.failures.get() >= 1, "the failure was counted");
    assert!(metrics.connects.get() >= 2, "the watcher reconnected");
    assert_eq!(
        health.snapshot().get("config_watcher").map(|h| h.status),
        Some(HealthStatus::Ok)
    );
    assert!(metrics.latency.get_sample_count() >= 1);
    Ok(())
}
