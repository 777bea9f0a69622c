//! Bad input yields typed errors; the engine keeps working.

mod support;

use revaer_messages::engine::{
    AddOptions, Argument, EngineError, GetEngineStatus, RemoveTorrent, TorrentCommand,
    TorrentSource,
};
use revaer_messages::torrent::TorrentId;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::testing::TestDatabase;
use std::sync::Arc;
use support::{snapshot, Engine, Seeder, TestResult};

const PAYLOAD: &[(&str, usize)] = &[("one.bin", 64 * 1024), ("two.bin", 80 * 1024)];

#[actix_rt::test]
async fn bad_input_is_refused_with_typed_errors() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 5)?;
    let db = TestDatabase::migrated()?;
    let engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;

    let bad_magnet = engine
        .add(
            TorrentSource::Magnet("magnet:?xt=urn:btih:nothex".into()),
            AddOptions::default(),
        )
        .await;
    assert!(matches!(
        err_of(bad_magnet),
        Some(EngineError::InvalidMagnet(_))
    ));
    let corrupt = engine
        .add(
            TorrentSource::File(b"d4:infod6:lengthi-1eee".to_vec()),
            AddOptions::default(),
        )
        .await;
    assert!(matches!(
        err_of(corrupt),
        Some(EngineError::InvalidTorrent(_))
    ));
    let outside = AddOptions {
        save_path: Some("/etc".into()),
        ..AddOptions::default()
    };
    let refused = engine
        .add(TorrentSource::File(seeder.torrent.clone()), outside)
        .await;
    assert!(matches!(
        err_of(refused),
        Some(EngineError::InvalidArgument {
            argument: Argument::SavePath,
            ..
        })
    ));
    let too_many = AddOptions {
        files: Some(vec![1, 1, 1]),
        ..AddOptions::default()
    };
    let refused = engine
        .add(TorrentSource::File(seeder.torrent.clone()), too_many)
        .await;
    assert!(matches!(
        err_of(refused),
        Some(EngineError::InvalidFileIndex { count: 2, .. })
    ));

    let summary = engine
        .add(
            TorrentSource::File(seeder.torrent.clone()),
            AddOptions {
                paused: true,
                ..AddOptions::default()
            },
        )
        .await?;
    let duplicate = engine
        .add(
            TorrentSource::File(seeder.torrent.clone()),
            AddOptions::default(),
        )
        .await;
    assert!(matches!(err_of(duplicate), Some(EngineError::Duplicate(id)) if id == summary.id));

    let unknown = TorrentId::parse(&"f".repeat(40))?;
    let result = engine.command(&unknown, TorrentCommand::Pause).await;
    assert!(result.is_err_and(|e| e.to_string().contains("not found")));
    let result = engine
        .command(&summary.id, TorrentCommand::FilePriorities(vec![(5, 1)]))
        .await;
    assert!(result.is_err_and(|e| e.to_string().contains("out of range")));
    let result = engine
        .command(&summary.id, TorrentCommand::FilePriorities(vec![(0, 9)]))
        .await;
    assert!(result.is_err_and(|e| e.to_string().contains("priority 9")));
    let removed = engine
        .addr
        .send(RemoveTorrent {
            id: unknown,
            delete_data: false,
            request_id: None,
        })
        .await?;
    assert!(matches!(removed, Err(EngineError::NotFound(_))));

    // Still alive and well.
    let status = engine.addr.send(GetEngineStatus).await??;
    assert!(status.listening);
    assert_eq!(status.torrents, 1);
    Ok(())
}

#[actix_rt::test]
async fn engine_settings_follow_config_changes() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut config = snapshot(&db, dir.path())?;
    let engine = Engine::start(&db, &config)?;
    engine.addr.send(GetEngineStatus).await??;
    config.revision += 1;
    config.engine_profile.max_download_bps = 123_456;
    config.engine_profile.encryption = revaer_messages::config::EncryptionPolicy::Forced;
    engine
        .addr
        .send(ConfigChanged {
            snapshot: Arc::new(config),
        })
        .await?;
    assert_eq!(
        engine.metrics.config_apply.get_sample_count(),
        1,
        "the change was applied to the live session"
    );
    assert!(engine
        .addr
        .send(GetEngineStatus)
        .await??
        .last_error
        .is_none());
    Ok(())
}

fn err_of<T>(result: Result<T, Box<dyn std::error::Error>>) -> Option<EngineError> {
    result
        .err()
        .and_then(|e| e.downcast::<EngineError>().ok())
        .map(|e| *e)
}
