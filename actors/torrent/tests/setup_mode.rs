//! A fresh install in setup mode: the engine waits (no session, no socket,
//! no DHT) and starts when a configuration revision in active mode arrives.

mod support;

use revaer_messages::config::Mode;
use revaer_messages::engine::{AddOptions, AddTorrent, EngineError, GetEngineStatus};
use revaer_messages::health::HealthStatus;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::testing::TestDatabase;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Engine, Seeder, TestResult, TIMEOUT};

#[actix_rt::test]
async fn the_engine_waits_for_setup_then_starts() -> TestResult {
    let db = TestDatabase::migrated()?;
    let root = tempfile::tempdir()?;
    let mut setup = support::snapshot(&db, root.path())?;
    setup.app_profile.mode = Mode::Setup;
    let engine = Engine::start(&db, &setup)?;

    let status = engine.addr.send(GetEngineStatus).await??;
    assert!(
        !status.listening,
        "no peer socket in setup mode: {status:?}"
    );
    assert_eq!(status.listen_port, 0);
    let health = engine.health.snapshot();
    let component = health.get("engine").ok_or("engine health missing")?;
    assert_eq!(component.status, HealthStatus::Ok, "{component:?}");
    assert_eq!(
        component.detail.as_deref(),
        Some("waiting for setup to complete")
    );

    let seeder = Seeder::start(&root.path().join("seed"), &[("a.bin", 64 * 1024)], 0x5e7)?;
    let refused = engine
        .addr
        .send(AddTorrent {
            source: revaer_messages::engine::TorrentSource::File(seeder.torrent.clone()),
            options: AddOptions::default(),
            request_id: None,
        })
        .await?;
    match refused {
        Err(EngineError::Unavailable(why)) => assert!(why.contains("setup"), "{why}"),
        other => return Err(format!("expected Unavailable, got {other:?}").into()),
    }
    // Resume files are not written for a session that does not exist.
    assert!(!root.path().join("resume").exists());

    // Setup completes: the watcher delivers the next revision in active mode.
    let mut active = setup.clone();
    active.revision += 1;
    active.app_profile.mode = Mode::Active;
    engine.addr.do_send(ConfigChanged {
        snapshot: Arc::new(active),
    });
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let status = engine.addr.send(GetEngineStatus).await??;
        if status.listening && status.listen_port != 0 {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("engine never started: {status:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let summary = loop {
        match engine
            .add(
                revaer_messages::engine::TorrentSource::File(seeder.torrent.clone()),
                AddOptions::default(),
            )
            .await
        {
            Ok(summary) => break summary,
            // Restore of the (empty) catalogue may still be finishing.
            Err(err) if Instant::now() < deadline && err.to_string().contains("starting") => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => return Err(err),
        }
    };
    assert_eq!(summary.id.as_str(), seeder.id);
    Ok(())
}
